import { spawn } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { delay, pidAlive, run, signalPid } from './lab-process.js';
import { labDescribe } from './lab-suite.js';
import { createLab, LAB_ADDRESSES, labNamespaces, removeLeftovers, type Lab } from './netns.js';

const node = process.execPath;

/** A one-line TCP responder in the server namespace, and what the client namespace reads from it. */
async function reachThroughRouter(lab: Lab, port: number): Promise<string> {
  const server = lab.start('server', 'responder', [
    node,
    '-e',
    `require('net').createServer(s => s.end('hello ' + s.remoteAddress + '\\n')).listen(${port}, '0.0.0.0')`,
  ]);
  try {
    await lab.waitListening('server', port, 5_000, server);
    const client = await lab.exec('client', [
      node,
      '-e',
      `const s = require('net').connect(${port}, '${lab.target}'); s.setTimeout(3000, () => process.exit(3)); s.pipe(process.stdout)`,
    ]);
    return client.stdout.trim();
  } finally {
    await server.stop();
  }
}

labDescribe('namespace lab topology', () => {
  const created: Lab[] = [];
  afterAll(async () => {
    for (const lab of created) await lab.destroy();
  });

  it('routes client to server through the router, and destroy() removes namespaces and processes', async () => {
    const lab = await createLab({ label: 'topo' });
    created.push(lab);
    expect(await reachThroughRouter(lab, 7001)).toBe(`hello ${LAB_ADDRESSES.client}`);
    const sleeper = lab.start('server', 'sleeper', ['sleep', '300']);
    expect(pidAlive(sleeper.pid)).toBe(true);
    expect(await labNamespaces()).toEqual(expect.arrayContaining(Object.values(lab.ns)));
    await lab.destroy();
    expect(pidAlive(sleeper.pid)).toBe(false);
    const left = await labNamespaces();
    for (const name of Object.values(lab.ns)) expect(left).not.toContain(name);
  });

  it('masquerades a NATed client: the server sees the router address', async () => {
    const lab = await createLab({ label: 'cnat', clientNat: true });
    created.push(lab);
    expect(await reachThroughRouter(lab, 7002)).toBe(`hello ${LAB_ADDRESSES.routerPublic}`);
    await lab.destroy();
  });

  it('DNATs the public target to a server with a private address behind an edge router', async () => {
    const lab = await createLab({ label: 'snat', serverNat: true });
    created.push(lab);
    const addr = await lab.exec('server', ['ip', '-4', '-o', 'addr', 'show', 'dev', 'to-edge']);
    expect(addr.stdout).toContain(`${LAB_ADDRESSES.serverPrivate}/24`);
    expect(await reachThroughRouter(lab, 7003)).toBe(`hello ${LAB_ADDRESSES.client}`);
    await lab.destroy();
  });

  it('loads an nftables ruleset on the router and clears it again', async () => {
    const lab = await createLab({ label: 'nft' });
    created.push(lab);
    await lab.loadRules(
      'router',
      'table inet t {\n  chain forward {\n    type filter hook forward priority 0;\n    tcp dport 7004 reject with tcp reset\n  }\n}\n',
    );
    await expect(reachThroughRouter(lab, 7004)).rejects.toThrow(/ECONNREFUSED/);
    await lab.clearRules('router');
    expect(await reachThroughRouter(lab, 7004)).toBe(`hello ${LAB_ADDRESSES.client}`);
    await lab.destroy();
  });

  it('removes namespaces and processes left by a crashed run (its pid is gone)', async () => {
    const dead = spawn(node, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    const name = `fdl-${dead.pid}-abcdef-crashed-server`;
    await run(['ip', 'netns', 'add', name]);
    const orphan = spawn('ip', ['netns', 'exec', name, 'sleep', '300'], { stdio: 'ignore' });
    try {
      await delay(100);
      expect(pidAlive(orphan.pid!)).toBe(true);
      const removed = await removeLeftovers();
      expect(removed).toContain(name);
      expect(await labNamespaces()).not.toContain(name);
      await delay(100);
      expect(orphan.exitCode !== null || orphan.signalCode !== null).toBe(true);
    } finally {
      signalPid(orphan.pid!, 'SIGKILL');
      await run(['ip', 'netns', 'del', name], { allowFailure: true });
    }
  });
});
