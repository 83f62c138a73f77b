import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabProcess, delay, pidAlive, run, signalPid, type RunOptions, type RunResult } from './lab-process.js';

/**
 * Network namespaces for the firewall lab: client — router — server, or client — router — edge — server
 * where the edge router DNATs a public address to a server with a private one (as hosting providers do).
 * Every name starts with a per-lab prefix "fdl-<pid>-<random>", so that parallel test files never share
 * a namespace and a later run can remove what a crashed one left (its pid is gone).
 * Addresses exist only inside these namespaces; nothing touches the root namespace's interfaces.
 */

const PREFIX = 'fdl';
const PREFIX_PATTERN = /^fdl-(\d+)-[0-9a-f]+(?:-|$)/;

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const LAB_TMP = process.env.FTPDOCTOR_LAB_TMP ?? join(REPO_ROOT, '.lab-tmp');

/**
 * Fixed addresses of the lab. 198.51.100.0/24 and 203.0.113.0/24 are documentation ranges (RFC 5737),
 * which the address classifier treats as routable like public ones; 192.168.50.0/24 and 10.0.50.0/24
 * are the private sides of a NAT.
 */
export const LAB_ADDRESSES = {
  client: '198.51.100.2',
  clientRouter: '198.51.100.1',
  natClient: '192.168.50.2',
  natClientRouter: '192.168.50.1',
  /** The router's side towards the server (or the edge): what a NATed client looks like from outside. */
  routerPublic: '203.0.113.1',
  /** What the client dials: the server itself, or the edge router that DNATs to it. */
  target: '203.0.113.10',
  serverPrivate: '10.0.50.10',
  edgePrivate: '10.0.50.1',
  /** IPv6 from the documentation prefix (RFC 3849), when the lab is dual-stack. */
  client6: '2001:db8:1::2',
  clientRouter6: '2001:db8:1::1',
  routerPublic6: '2001:db8:2::1',
  target6: '2001:db8:2::10',
} as const;

/** Further addresses of the server in a routed lab with a pool: a provider's FTP service on several addresses. */
export const LAB_POOL = ['203.0.113.11', '203.0.113.12'] as const;

export type LabRole = 'client' | 'router' | 'edge' | 'server';

export interface LabOptions {
  /** Short word naming the test file, for humans reading `ip netns list`. */
  label: string;
  /** Put the client on a private network behind the router's masquerade (no FTP helper unless a ruleset adds one). */
  clientNat?: boolean;
  /** Put the client on the same private network, routed to the server without NAT (corporate and campus networks). */
  privateClient?: boolean;
  /** Put the server on a private address behind an edge router that DNATs the target address to it. */
  serverNat?: boolean;
  /** Routed labs only: give client, router and server IPv6 addresses too (LAB_ADDRESSES.*6). */
  ipv6?: boolean;
  /** Routed labs only: the server also has the LAB_POOL addresses. */
  pool?: boolean;
  /** Names the client resolves through its own /etc/hosts (ip netns exec mounts /etc/netns/<ns>/hosts). */
  hosts?: Record<string, string[]>;
}

export interface Lab {
  readonly prefix: string;
  readonly options: LabOptions;
  readonly ns: Readonly<Record<'client' | 'router' | 'server', string>> & { readonly edge?: string };
  /** The client's own address (private when clientNat). */
  readonly clientAddress: string;
  /** The address the server sees the client come from. */
  readonly clientSeenAs: string;
  /** The address the client dials. */
  readonly target: string;
  /** The address the server itself has (serverPrivate when serverNat). */
  readonly serverAddress: string;
  /** Scratch folder of this lab (configs, rulesets, certificates); removed by destroy(). */
  readonly dir: string;
  exec(role: LabRole, argv: string[], opts?: RunOptions): Promise<RunResult>;
  /** Start a daemon in a namespace; destroy() stops it by PID if the test has not. */
  start(role: LabRole, name: string, argv: string[], env?: NodeJS.ProcessEnv): LabProcess;
  /** `nft -f` a ruleset in a namespace; tables named topology_* belong to the topology itself. */
  loadRules(role: LabRole, ruleset: string): Promise<void>;
  /** Delete every table the tests loaded (all but topology_*). */
  clearRules(role: LabRole): Promise<void>;
  /** Wait until something listens on TCP port in a namespace (ss), bounded. */
  waitListening(role: LabRole, port: number, timeoutMs?: number, proc?: LabProcess): Promise<void>;
  destroy(): Promise<void>;
}

export type Availability = { ok: true } | { ok: false; reason: string };

export function labAvailability(): Availability {
  if (process.platform !== 'linux')
    return { ok: false, reason: `the namespace lab needs Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'the namespace lab needs root (ip netns, nft)' };
  const missing = ['ip', 'nft'].filter((tool) => findExecutable(tool) === undefined);
  if (missing.length > 0) return { ok: false, reason: `the namespace lab needs ${missing.join(' and ')} on PATH` };
  return { ok: true };
}

export function findExecutable(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin']);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

const live = new Set<LabImpl>();
let exitHookInstalled = false;

export async function createLab(options: LabOptions): Promise<Lab> {
  await removeLeftovers();
  const lab = new LabImpl(options);
  live.add(lab);
  installExitHook();
  try {
    await lab.build();
  } catch (err) {
    await lab.destroy();
    throw err;
  }
  return lab;
}

class LabImpl implements Lab {
  readonly prefix: string;
  readonly ns: Lab['ns'];
  readonly clientAddress: string;
  readonly clientSeenAs: string;
  readonly target = LAB_ADDRESSES.target;
  readonly serverAddress: string;
  readonly dir: string;
  private readonly processes: LabProcess[] = [];
  private destroyed = false;

  constructor(readonly options: LabOptions) {
    this.prefix = `${PREFIX}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const name = (role: string): string => `${this.prefix}-${options.label}-${role}`;
    this.ns = {
      client: name('client'),
      router: name('router'),
      server: name('server'),
      ...(options.serverNat === true ? { edge: name('edge') } : {}),
    };
    const privateNet = options.clientNat === true || options.privateClient === true;
    this.clientAddress = privateNet ? LAB_ADDRESSES.natClient : LAB_ADDRESSES.client;
    this.clientSeenAs =
      options.clientNat === true
        ? LAB_ADDRESSES.routerPublic
        : privateNet
          ? LAB_ADDRESSES.natClient
          : LAB_ADDRESSES.client;
    this.serverAddress = options.serverNat === true ? LAB_ADDRESSES.serverPrivate : LAB_ADDRESSES.target;
    this.dir = join(LAB_TMP, this.prefix);
  }

  nsOf(role: LabRole): string {
    const name = role === 'edge' ? this.ns.edge : this.ns[role];
    if (name === undefined) throw new Error(`this lab has no ${role} namespace (serverNat is off)`);
    return name;
  }

  async build(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const A = LAB_ADDRESSES;
    const nat = this.options.clientNat === true;
    const edge = this.ns.edge;
    for (const name of Object.values(this.ns)) {
      await run(['ip', 'netns', 'add', name]);
      await run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    }
    const clientNet =
      nat || this.options.privateClient === true ? [A.natClient, A.natClientRouter] : [A.client, A.clientRouter];
    await this.link('client', 'to-router', `${clientNet[0]}/24`, 'router', 'to-client', `${clientNet[1]}/24`);
    await run(['ip', '-n', this.ns.client, 'route', 'add', 'default', 'via', clientNet[1]!]);
    await this.exec('router', ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    if (edge === undefined) {
      await this.link('router', 'to-server', `${A.routerPublic}/24`, 'server', 'to-router', `${A.target}/24`);
      await run(['ip', '-n', this.ns.server, 'route', 'add', 'default', 'via', A.routerPublic]);
    } else {
      await this.link('router', 'to-edge', `${A.routerPublic}/24`, 'edge', 'to-router', `${A.target}/24`);
      await this.link('edge', 'to-server', `${A.edgePrivate}/24`, 'server', 'to-edge', `${A.serverPrivate}/24`);
      await run(['ip', '-n', edge, 'route', 'add', 'default', 'via', A.routerPublic]);
      await run(['ip', '-n', this.ns.server, 'route', 'add', 'default', 'via', A.edgePrivate]);
      await this.exec('edge', ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
      // The hosting provider's 1:1 NAT: every TCP port of the public address goes to the server, and
      // the server's own connections (active-mode data) leave with the public address.
      await this.loadRules(
        'edge',
        `table ip topology_dnat {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    ip daddr ${A.target} meta l4proto tcp dnat to ${A.serverPrivate}
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr ${A.serverPrivate} oifname "to-router" snat to ${A.target}
  }
}
`,
      );
    }
    if (edge === undefined) await this.addRoutedExtras();
    if (nat) {
      await this.loadRules(
        'router',
        `table ip topology_snat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr ${A.natClient} oifname "${edge === undefined ? 'to-server' : 'to-edge'}" masquerade
  }
}
`,
      );
    }
  }

  /** IPv6 addresses (nodad: usable at once), the pool addresses and the client's hosts file. */
  private async addRoutedExtras(): Promise<void> {
    const A = LAB_ADDRESSES;
    const addr = (role: LabRole, address: string, dev: string): Promise<RunResult> =>
      run([
        'ip',
        '-n',
        this.nsOf(role),
        'addr',
        'add',
        address,
        'dev',
        dev,
        ...(address.includes(':') ? ['nodad'] : []),
      ]);
    if (this.options.ipv6 === true) {
      await addr('client', `${A.client6}/64`, 'to-router');
      await addr('router', `${A.clientRouter6}/64`, 'to-client');
      await addr('router', `${A.routerPublic6}/64`, 'to-server');
      await addr('server', `${A.target6}/64`, 'to-router');
      await run(['ip', '-n', this.ns.client, '-6', 'route', 'add', 'default', 'via', A.clientRouter6]);
      await run(['ip', '-n', this.ns.server, '-6', 'route', 'add', 'default', 'via', A.routerPublic6]);
      await this.exec('router', ['sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1']);
    }
    if (this.options.pool === true) for (const a of LAB_POOL) await addr('server', `${a}/24`, 'to-router');
    if (this.options.hosts !== undefined) {
      const lines = Object.entries(this.options.hosts).flatMap(([name, list]) => list.map((a) => `${a} ${name}`));
      mkdirSync(this.hostsDir, { recursive: true });
      writeFileSync(join(this.hostsDir, 'hosts'), `127.0.0.1 localhost\n${lines.join('\n')}\n`);
    }
  }

  /** ip netns exec bind-mounts the files here over /etc in the client namespace. */
  get hostsDir(): string {
    return join('/etc/netns', this.ns.client);
  }

  private async link(a: LabRole, aIf: string, aAddr: string, b: LabRole, bIf: string, bAddr: string): Promise<void> {
    const nsA = this.nsOf(a);
    const nsB = this.nsOf(b);
    await run(['ip', '-n', nsA, 'link', 'add', aIf, 'type', 'veth', 'peer', 'name', bIf, 'netns', nsB]);
    await run(['ip', '-n', nsA, 'addr', 'add', aAddr, 'dev', aIf]);
    await run(['ip', '-n', nsB, 'addr', 'add', bAddr, 'dev', bIf]);
    await run(['ip', '-n', nsA, 'link', 'set', aIf, 'up']);
    await run(['ip', '-n', nsB, 'link', 'set', bIf, 'up']);
  }

  exec(role: LabRole, argv: string[], opts?: RunOptions): Promise<RunResult> {
    return run(['ip', 'netns', 'exec', this.nsOf(role), ...argv], opts);
  }

  start(role: LabRole, name: string, argv: string[], env?: NodeJS.ProcessEnv): LabProcess {
    if (this.destroyed) throw new Error(`lab ${this.prefix} is destroyed`);
    const proc = new LabProcess(name, ['ip', 'netns', 'exec', this.nsOf(role), ...argv], env);
    this.processes.push(proc);
    return proc;
  }

  async loadRules(role: LabRole, ruleset: string): Promise<void> {
    const file = join(this.dir, `rules-${role}-${randomBytes(3).toString('hex')}.nft`);
    writeFileSync(file, ruleset);
    await this.exec(role, ['nft', '-f', file]);
  }

  async clearRules(role: LabRole): Promise<void> {
    const listed = await this.exec(role, ['nft', 'list', 'tables']);
    for (const line of listed.stdout.split('\n')) {
      const m = /^table (\S+) (\S+)$/.exec(line.trim());
      if (m !== null && !m[2]!.startsWith('topology_')) await this.exec(role, ['nft', 'delete', 'table', m[1]!, m[2]!]);
    }
  }

  async waitListening(role: LabRole, port: number, timeoutMs = 5_000, proc?: LabProcess): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; attempt < 200; attempt++) {
      const ss = await this.exec(role, ['ss', '-Hltn', `sport = :${port}`], { allowFailure: true });
      if (ss.stdout.trim() !== '') return;
      if (proc !== undefined && !proc.running) {
        throw new Error(
          `${proc.name} ${proc.describeExit()} before listening on port ${port}:\n${proc.log.slice(-2000)}`,
        );
      }
      if (Date.now() >= deadline) break;
      await delay(50);
    }
    throw new Error(
      `nothing listens on port ${port} in ${this.nsOf(role)} after ${timeoutMs} ms${proc === undefined ? '' : `:\n${proc.log.slice(-2000)}`}`,
    );
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    live.delete(this);
    await Promise.all(this.processes.map((p) => p.stop()));
    for (const name of Object.values(this.ns)) await removeNamespace(name);
    if (this.options.hosts !== undefined) rmSync(this.hostsDir, { recursive: true, force: true });
    if (process.env.FTPDOCTOR_LAB_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  /** Last resort when the test process exits without afterAll having run: synchronous, best effort. */
  destroySync(): void {
    for (const p of this.processes) if (p.running) signalPid(p.pid, 'SIGKILL');
    for (const name of Object.values(this.ns)) {
      for (const pid of namespacePidsSync(name)) signalPid(pid, 'SIGKILL');
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore', timeout: 5_000 });
      } catch {
        // already gone
      }
    }
    if (this.options.hosts !== undefined) rmSync(this.hostsDir, { recursive: true, force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Processes still inside a namespace (session children of a daemon we started, or a leftover of a
 * crashed run) are killed by PID before the namespace is deleted: a namespace with a live process in it
 * outlives its name.
 */
async function removeNamespace(name: string): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const pids = await namespacePids(name);
    if (pids.length === 0) break;
    for (const pid of pids) signalPid(pid, round === 0 ? 'SIGTERM' : 'SIGKILL');
    await delay(200);
  }
  await run(['ip', 'netns', 'del', name], { allowFailure: true });
}

async function namespacePids(name: string): Promise<number[]> {
  const listed = await run(['ip', 'netns', 'pids', name], { allowFailure: true });
  return parsePids(listed.stdout);
}

function namespacePidsSync(name: string): number[] {
  try {
    return parsePids(execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8', timeout: 5_000 }));
  } catch {
    return [];
  }
}

function parsePids(text: string): number[] {
  return text
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0 && n !== process.pid);
}

/** Our own namespaces, as `ip netns list` shows them. */
export async function labNamespaces(): Promise<string[]> {
  const listed = await run(['ip', 'netns', 'list'], { allowFailure: true });
  return listed.stdout
    .split('\n')
    .map((line) => line.trim().split(' ')[0] ?? '')
    .filter((name) => PREFIX_PATTERN.test(name));
}

/** Remove namespaces (and their processes) and scratch folders left by lab runs whose process is gone. */
export async function removeLeftovers(): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await labNamespaces()) {
    if (isOrphan(name)) {
      await removeNamespace(name);
      removed.push(name);
    }
  }
  let entries: string[] = [];
  try {
    entries = readdirSync(LAB_TMP);
  } catch {
    // no scratch folder yet
  }
  for (const entry of entries) {
    if (isOrphan(entry)) rmSync(join(LAB_TMP, entry), { recursive: true, force: true });
  }
  const hostsDirs = existsSync('/etc/netns') ? readdirSync('/etc/netns') : [];
  for (const entry of hostsDirs)
    if (isOrphan(entry)) rmSync(join('/etc/netns', entry), { recursive: true, force: true });
  return removed;
}

function isOrphan(name: string): boolean {
  const m = PREFIX_PATTERN.exec(name);
  return m !== null && !pidAlive(Number(m[1]));
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const lab of live) lab.destroySync();
  });
}
