import { execFileSync } from 'node:child_process';

/**
 * The benchmark's own network: client — router — server in three namespaces named
 * "fdsb-<pid>-{c,r,s}". Addresses are RFC 5737 documentation ranges and exist only inside these
 * namespaces. A crashed run's namespaces are recognised by their dead pid and removed first.
 */

export const CLIENT_ADDRESS = '198.51.100.2';
export const SERVER_ADDRESS = '203.0.113.10';
const PREFIX = 'fdsb';
const OWN = new RegExp(`^${PREFIX}-(\\d+)-[crs]$`);

export interface Topology {
  client: string;
  router: string;
  server: string;
  /** argv prefix running a command inside a namespace. */
  inNs(ns: string, argv: string[]): string[];
  destroy(): void;
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', timeout: 10_000, stdio: 'pipe' });
}

function nsExec(ns: string, argv: string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...argv], {
    encoding: 'utf8',
    timeout: 10_000,
    input,
    stdio: 'pipe',
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function deleteNamespace(ns: string): void {
  // Processes a crashed run left inside (its reference server), stopped by their pids.
  const pids = ip(['netns', 'pids', ns]).split('\n').filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      continue;
    }
  }
  ip(['netns', 'del', ns]);
}

export function removeLeftovers(): string[] {
  const removed: string[] = [];
  for (const line of ip(['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = OWN.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) {
      deleteNamespace(name);
      removed.push(name);
    }
  }
  return removed;
}

export function createTopology(): Topology {
  const name = (role: string) => `${PREFIX}-${process.pid}-${role}`;
  const [client, router, server] = [name('c'), name('r'), name('s')];
  const topo: Topology = {
    client,
    router,
    server,
    inNs: (ns, argv) => ['ip', 'netns', 'exec', ns, ...argv],
    destroy: () => {
      for (const ns of [client, router, server]) {
        try {
          deleteNamespace(ns);
        } catch {
          continue;
        }
      }
    },
  };
  try {
    for (const ns of [client, router, server]) ip(['netns', 'add', ns]);
    ip(['link', 'add', 'c0', 'netns', client, 'type', 'veth', 'peer', 'name', 'rc', 'netns', router]);
    ip(['link', 'add', 's0', 'netns', server, 'type', 'veth', 'peer', 'name', 'rs', 'netns', router]);
    const sh = (ns: string, cmds: string[][]) => cmds.forEach((c) => nsExec(ns, c));
    sh(client, [
      ['ip', 'link', 'set', 'lo', 'up'],
      ['ip', 'addr', 'add', `${CLIENT_ADDRESS}/24`, 'dev', 'c0'],
      ['ip', 'link', 'set', 'c0', 'up'],
      ['ip', 'route', 'add', 'default', 'via', '198.51.100.1'],
    ]);
    sh(router, [
      ['ip', 'link', 'set', 'lo', 'up'],
      ['ip', 'addr', 'add', '198.51.100.1/24', 'dev', 'rc'],
      ['ip', 'addr', 'add', '203.0.113.1/24', 'dev', 'rs'],
      ['ip', 'link', 'set', 'rc', 'up'],
      ['ip', 'link', 'set', 'rs', 'up'],
      ['sysctl', '-qw', 'net.ipv4.ip_forward=1'],
    ]);
    sh(server, [
      ['ip', 'link', 'set', 'lo', 'up'],
      ['ip', 'addr', 'add', `${SERVER_ADDRESS}/24`, 'dev', 's0'],
      ['ip', 'link', 'set', 's0', 'up'],
      ['ip', 'route', 'add', 'default', 'via', '203.0.113.1'],
    ]);
  } catch (err) {
    topo.destroy();
    throw err;
  }
  return topo;
}

/** Replaces the router's forward-path ruleset (table inet fdsb) with `rules` (nft statements). */
export function setRouterRules(topo: Topology, rules: string[]): void {
  const tables = nsExec(topo.router, ['nft', 'list', 'tables']);
  if (tables.includes(`inet ${PREFIX}`)) nsExec(topo.router, ['nft', 'delete', 'table', 'inet', PREFIX]);
  if (rules.length === 0) return;
  const ruleset = `table inet ${PREFIX} {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n${rules.map((r) => `    ${r}\n`).join('')}  }\n}\n`;
  nsExec(topo.router, ['nft', '-f', '-'], ruleset);
}
