// npm run bench:sweep — the passive-range sweep against nmap -sT -T4 through a namespace router
// with nftables rules, 60000-65535 (5,536 ports). Needs root, ip netns, nft, nmap and a built dist/.
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  CLIENT_ADDRESS,
  createTopology,
  removeLeftovers,
  SERVER_ADDRESS,
  setRouterRules,
  type Topology,
} from './sweep-topology.ts';

const RANGE: [number, number] = [60000, 65535];
const NMAP_CAP_S = 60;
const CLIENT_CAP_MS = 120_000;
/** Runs per scenario and tool; the median is reported (the machine is shared, single runs are noisy). */
const REPEATS = Number(process.env.SWEEP_BENCH_REPEATS ?? 3);
/** SWEEP_BENCH_ONLY=<regex> runs only the matching scenarios. */
const ONLY = new RegExp(process.env.SWEEP_BENCH_ONLY ?? '');
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const nodeArgs = ['--no-warnings', '--experimental-strip-types'];

type Action = 'drop' | 'reject';
interface Scenario {
  name: string;
  rules: string[];
  blocked: Array<[number, number]>;
  action?: Action;
}

// Rules match the client-to-server direction, as an egress policy is written; one scenario writes the
// rule without a direction, so it also drops replies to client source ports inside the range (Linux's
// ephemeral range 32768-60999 overlaps it) — the trap the sweep avoids by binding its source ports.
const toServer = 'iifname "rc"';
const scenarios: Scenario[] = [
  { name: 'nothing blocked', rules: [], blocked: [] },
  {
    name: 'whole range dropped',
    rules: [`${toServer} tcp dport 60000-65535 drop`],
    blocked: [[60000, 65535]],
    action: 'drop',
  },
  {
    name: 'upper half dropped',
    rules: [`${toServer} tcp dport 62768-65535 drop`],
    blocked: [[62768, 65535]],
    action: 'drop',
  },
  {
    name: 'two odd sub-ranges dropped',
    rules: [`${toServer} tcp dport { 60123-60999, 63001-63777 } drop`],
    blocked: [
      [60123, 60999],
      [63001, 63777],
    ],
    action: 'drop',
  },
  {
    name: 'two odd sub-ranges dropped, rule without direction',
    rules: ['tcp dport { 60123-60999, 63001-63777 } drop'],
    blocked: [
      [60123, 60999],
      [63001, 63777],
    ],
    action: 'drop',
  },
  {
    name: 'range rejected, icmp admin-prohibited',
    rules: [`${toServer} tcp dport 60000-65535 reject with icmpx type admin-prohibited`],
    blocked: [[60000, 65535]],
    action: 'reject',
  },
];

interface PortRun {
  from: number;
  to: number;
  state: string;
}

/** States our sweep must report for a port under the scenario's rules (Linux ICMP rate limiting mixes rejects with silence). */
function expectedStates(s: Scenario, port: number): string[] {
  const blocked = s.blocked.some(([f, t]) => port >= f && port <= t);
  if (!blocked) return ['open'];
  return s.action === 'reject' ? ['icmp-reject', 'no-answer'] : ['no-answer'];
}

function sweepAgreement(s: Scenario, runs: PortRun[]): { agree: number; wrong: string[] } {
  const got = new Map<number, string>();
  for (const r of runs) for (let p = r.from; p <= r.to; p++) got.set(p, r.state);
  let agree = 0;
  const wrong: string[] = [];
  for (let p = RANGE[0]; p <= RANGE[1]; p++) {
    const state = got.get(p) ?? 'untested';
    if (expectedStates(s, p).includes(state)) agree++;
    else if (wrong.length < 5) wrong.push(`${p}:${state}`);
  }
  return { agree, wrong };
}

/** nmap reports unblocked ports open, blocked ones filtered (drop and admin-prohibited alike). */
function nmapAgreement(s: Scenario, xml: string): { agree: number; wrong: string[] } | undefined {
  if (
    !/<runstats>[\s\S]*hosts up="1"/.test(xml) ||
    /host timeout|skipped/i.test(xml.match(/<finished[^>]*>/)?.[0] ?? '')
  )
    return undefined;
  const open = new Set<number>();
  for (const m of xml.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="(\w+)"/g))
    if (m[2] === 'open') open.add(Number(m[1]));
  if (!/<ports>/.test(xml)) return undefined;
  let agree = 0;
  const wrong: string[] = [];
  for (let p = RANGE[0]; p <= RANGE[1]; p++) {
    const shouldBeOpen = expectedStates(s, p)[0] === 'open';
    if (open.has(p) === shouldBeOpen) agree++;
    else if (wrong.length < 5) wrong.push(`${p}:${open.has(p) ? 'open' : 'not-open'}`);
  }
  return { agree, wrong };
}

async function startReferenceServer(topo: Topology): Promise<{ pid: number; serverId: string; stop(): Promise<void> }> {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      topo.server,
      process.execPath,
      ...nodeArgs,
      `${benchDir}sweep-bench-server.ts`,
      SERVER_ADDRESS,
      `${RANGE[0]}-${RANGE[1]}`,
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    child.stdin.end();
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const line = await Promise.race([
    new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('reference server did not start within 20 s')), 20_000),
    ),
    exited.then(() => Promise.reject(new Error('reference server exited at start'))),
  ]).catch(async (err) => {
    await stop();
    throw err;
  });
  const info = JSON.parse(line) as { serverId: string; sweepPorts: number };
  if (info.sweepPorts !== RANGE[1] - RANGE[0] + 1)
    throw new Error(`reference server listens on ${info.sweepPorts} sweep ports only`);
  return { pid: child.pid!, serverId: info.serverId, stop };
}

interface OurRun {
  wallMs: number;
  sweepMs: number;
  /** CPU (user + system) of our process during the sweep: steadier than wall time on a shared machine. */
  cpuMs: number;
  maxRssKb: number;
  runs: PortRun[];
  counts: Record<string, number>;
  passes: Array<{ ports: number; timeoutMs: number; elapsedMs: number }>;
  mismatches?: Array<{ port: number; reason: string }>;
  error?: string;
}

function runOurs(topo: Topology, serverId: string | undefined): OurRun {
  const maxConcurrency = process.env.SWEEP_BENCH_MAX_CONCURRENCY
    ? Number(process.env.SWEEP_BENCH_MAX_CONCURRENCY)
    : undefined;
  const args = JSON.stringify({ address: SERVER_ADDRESS, controlPort: 2121, range: RANGE, serverId, maxConcurrency });
  const started = performance.now();
  const r = spawnSync(
    'ip',
    ['netns', 'exec', topo.client, process.execPath, ...nodeArgs, `${benchDir}sweep-bench-client.ts`, args],
    {
      encoding: 'utf8',
      timeout: CLIENT_CAP_MS,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const wallMs = performance.now() - started;
  if (r.status !== 0)
    return {
      wallMs,
      sweepMs: Number.NaN,
      cpuMs: Number.NaN,
      maxRssKb: 0,
      runs: [],
      counts: {},
      passes: [],
      error: `exit ${r.status} ${r.signal ?? ''} ${r.stderr.slice(0, 400)}`,
    };
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  return {
    wallMs,
    sweepMs: out.sweepMs,
    cpuMs: out.sweepCpuMs.user + out.sweepCpuMs.system,
    maxRssKb: out.maxRssKb,
    runs: out.sweep.runs,
    counts: out.sweep.counts,
    passes: out.sweep.passes,
    mismatches: out.sweep.tokenMismatches,
  };
}

function runNmap(topo: Topology): { wallMs: number; xml: string; capped: boolean } {
  const started = performance.now();
  const r = spawnSync(
    'ip',
    [
      'netns',
      'exec',
      topo.client,
      'nmap',
      '-sT',
      '-Pn',
      '-T4',
      '-n',
      '-p',
      `${RANGE[0]}-${RANGE[1]}`,
      '--host-timeout',
      `${NMAP_CAP_S}s`,
      '-oX',
      '-',
      SERVER_ADDRESS,
    ],
    { encoding: 'utf8', timeout: (NMAP_CAP_S + 15) * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  const wallMs = performance.now() - started;
  const capped = wallMs >= NMAP_CAP_S * 1000 || r.signal !== null || /timed out/i.test(r.stdout ?? '');
  return { wallMs, xml: r.stdout ?? '', capped };
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** What the bench needs from this machine, checked before touching anything. */
function preflight(): string | undefined {
  if (process.getuid?.() !== 0) return 'the sweep bench needs root (network namespaces and nftables)';
  for (const [tool, args] of [
    ['ip', ['-V']],
    ['nft', ['--version']],
    ['nmap', ['--version']],
  ] as const) {
    if (spawnSync(tool, args, { stdio: 'ignore' }).status !== 0)
      return `the sweep bench needs ${tool} (apt-get install ${tool === 'ip' ? 'iproute2' : tool === 'nft' ? 'nftables' : 'nmap'})`;
  }
  const dist = fileURLToPath(new URL('../dist/sweep/port-sweep.js', import.meta.url));
  if (spawnSync('test', ['-f', dist]).status !== 0) return 'dist/ is not built: run npm run build first';
  return undefined;
}

async function main(): Promise<void> {
  const missing = preflight();
  if (missing) {
    console.error(`sweep bench: ${missing}`);
    process.exitCode = 2;
    return;
  }
  const left = removeLeftovers();
  if (left.length > 0) console.log(`removed namespaces left by a crashed run: ${left.join(', ')}`);
  const topo = createTopology();
  let server: Awaited<ReturnType<typeof startReferenceServer>> | undefined;
  let failures = 0;
  try {
    server = await startReferenceServer(topo);
    console.log(
      `sweep bench: ${CLIENT_ADDRESS} -> router -> ${SERVER_ADDRESS}, ports ${RANGE[0]}-${RANGE[1]}, reference server ${server.serverId} in sweep mode`,
    );
    console.log(
      `node ${process.version}; nmap -sT -Pn -T4 capped at ${NMAP_CAP_S} s; median of ${REPEATS} runs each\n`,
    );
    const rows: string[][] = [
      [
        'scenario',
        'variant',
        'ours sweep',
        'ours CPU',
        'ours process',
        'nmap',
        'ratio sweep',
        'ratio process',
        'peak RSS',
        'ours agree',
        'nmap agree',
        'our states',
        'passes',
      ],
    ];
    const total = RANGE[1] - RANGE[0] + 1;
    for (const s of scenarios.filter((x) => ONLY.test(x.name))) {
      setRouterRules(topo, s.rules);
      const nmaps: Array<ReturnType<typeof runNmap>> = [];
      for (let i = 0; i < REPEATS; i++) {
        nmaps.push(runNmap(topo));
        if (nmaps.at(-1)!.capped) break;
      }
      const nmap = median(nmaps, (n) => n.wallMs);
      const nmapAgree = nmaps.map((n) => (n.capped ? undefined : nmapAgreement(s, n.xml)));
      const nmapWorst = nmapAgree.reduce<(typeof nmapAgree)[number]>(
        (w, a) => (a && (!w || a.agree < w.agree) ? a : w),
        undefined,
      );
      const nmapText = nmap.capped ? `>${NMAP_CAP_S} s` : fmtS(nmap.wallMs);
      for (const [variant, id] of [
        ['token', server.serverId],
        ['connect', undefined],
      ] as const) {
        const runs = Array.from({ length: REPEATS }, () => runOurs(topo, id));
        const ours = median(runs, (r) => r.sweepMs);
        // Agreement must hold in every run, not just the median one.
        const agreements = runs.map((r) =>
          r.error
            ? { agree: 0, wrong: [r.error] }
            : { ...sweepAgreement(s, r.runs), ...(r.mismatches ? { mismatches: r.mismatches } : {}) },
        );
        const worst = agreements.reduce((w, a) => (a.agree < w.agree ? a : w));
        if (worst.agree !== total) failures++;
        const ratio = (ms: number) =>
          nmap.capped ? `<${(ms / (NMAP_CAP_S * 1000)).toFixed(3)}` : (ms / nmap.wallMs).toFixed(2);
        rows.push([
          s.name,
          variant,
          fmtS(ours.sweepMs),
          fmtS(median(runs, (r) => r.cpuMs).cpuMs),
          fmtS(ours.wallMs),
          nmapText,
          ratio(ours.sweepMs),
          ratio(ours.wallMs),
          `${(Math.max(...runs.map((r) => r.maxRssKb)) / 1024).toFixed(0)} MB`,
          worst.agree === total
            ? '100%'
            : `${((100 * worst.agree) / total).toFixed(2)}% (${worst.wrong.join(' ')}${'mismatches' in worst ? ` ${JSON.stringify(worst.mismatches?.slice(0, 2))}` : ''})`,
          nmap.capped
            ? 'n/a (capped)'
            : nmapWorst?.agree === total
              ? '100%'
              : `${((100 * (nmapWorst?.agree ?? 0)) / total).toFixed(2)}% (${nmapWorst?.wrong.join(' ')})`,
          Object.entries(ours.counts)
            .map(([k, n]) => `${k}=${n}`)
            .join(' '),
          ours.passes.map((p) => `${p.ports}@${p.timeoutMs}ms/${fmtS(p.elapsedMs)}`).join(' + '),
        ]);
        console.log(rows.at(-1)!.join(' | '));
      }
    }
    console.log('\n' + table(rows));
  } finally {
    await server?.stop();
    topo.destroy();
  }
  if (failures > 0) {
    console.log(`\n${failures} run(s) disagreed with the applied rules`);
    process.exitCode = 1;
  }
}

function median<T>(items: T[], key: (t: T) => number): T {
  const sorted = [...items].sort((a, b) => (key(a) || Infinity) - (key(b) || Infinity));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')).join('\n');
}

await main().catch((err: Error) => {
  console.error(`sweep bench failed: ${err.message}`);
  process.exitCode = 1;
});
