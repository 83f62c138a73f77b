// npm run bench:sweep — the passive-range sweep against nmap -sT -T4 through a namespace router
// with nftables rules, 60000-65535 (5,536 ports), and through slow and lossy paths (NFQUEUE at the
// router, test/lab/nfqueue). Needs root, ip netns, nft, iptables-nft, python3, nmap and a built dist/.
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
import { emulatePath, routerNamespace } from '../test/lab/nfqueue/path-emulation.ts';
import { DELAYED_RESETS, DROPPED_PART, LOSSY_PATH } from '../test/lab/nfqueue/slow-path-profiles.ts';
import {
  agreementText,
  nmapAgreement,
  RANGE,
  sweepAgreement,
  worstOf,
  type PortRun,
  type Scenario,
} from './sweep-agreement.ts';

const NMAP_CAP_S = 60;
/** nmap -T4 on a slow path backs off and retries for minutes: one run, bounded all the same. */
const NMAP_SLOW_CAP_S = 600;
const CLIENT_CAP_MS = 120_000;
/** Runs per scenario and tool; the median is reported (the machine is shared, single runs are noisy). */
const REPEATS = Number(process.env.SWEEP_BENCH_REPEATS ?? 3);
/** SWEEP_BENCH_ONLY=<regex> runs only the matching scenarios. */
const ONLY = new RegExp(process.env.SWEEP_BENCH_ONLY ?? '');
const benchDir = fileURLToPath(new URL('.', import.meta.url));
/** The closed server's own passive range, outside the swept one. */
const CLOSED_SERVER_PASV = '50000-50099';
const nodeArgs = ['--no-warnings', '--experimental-strip-types'];

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
  {
    name: 'resets delayed 2 s, 60000-62999 dropped, rest closed',
    rules: [`${toServer} tcp dport ${DROPPED_PART[0]}-${DROPPED_PART[1]} drop`],
    blocked: [DROPPED_PART],
    action: 'drop',
    closed: true,
    path: DELAYED_RESETS,
  },
  {
    name: '300 ms ±50 ms each way, 2 % loss, 60000-62999 dropped, rest closed',
    rules: [`${toServer} tcp dport ${DROPPED_PART[0]}-${DROPPED_PART[1]} drop`],
    blocked: [DROPPED_PART],
    action: 'drop',
    closed: true,
    path: LOSSY_PATH,
  },
];

/** The reference server in sweep mode (every port of the range answers with its token), or closed: listening on none of it. */
async function startReferenceServer(
  topo: Topology,
  closed: boolean,
): Promise<{ pid: number; serverId: string; closed: boolean; stop(): Promise<void> }> {
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
      ...(closed ? [CLOSED_SERVER_PASV, 'closed'] : [`${RANGE[0]}-${RANGE[1]}`]),
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
  if (info.sweepPorts !== (closed ? 0 : RANGE[1] - RANGE[0] + 1))
    throw new Error(`reference server listens on ${info.sweepPorts} sweep ports`);
  return { pid: child.pid!, serverId: info.serverId, closed, stop };
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
  /** What the calibration timed and the per-port deadline it set (src/sweep/calibration.ts). */
  calibration?: { refusalMs?: number; answerMs: number; deadlineMs: number; elapsedMs: number };
  error?: string;
}

/** How our sweep runs: against the reference server's tokens, and/or calibrated on a closed port first (as the probe engine does). */
interface Variant {
  serverId?: string;
  calibrateOn?: number;
}

function runOurs(topo: Topology, variant: Variant): OurRun {
  const maxConcurrency = process.env.SWEEP_BENCH_MAX_CONCURRENCY
    ? Number(process.env.SWEEP_BENCH_MAX_CONCURRENCY)
    : undefined;
  const args = JSON.stringify({ address: SERVER_ADDRESS, controlPort: 2121, range: RANGE, ...variant, maxConcurrency });
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
    calibration: out.calibration,
  };
}

function runNmap(topo: Topology, capS: number): { wallMs: number; xml: string; capped: boolean } {
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
      `${capS}s`,
      '-oX',
      '-',
      SERVER_ADDRESS,
    ],
    { encoding: 'utf8', timeout: (capS + 15) * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  const wallMs = performance.now() - started;
  const capped = wallMs >= capS * 1000 || r.signal !== null || /timed out/i.test(r.stdout ?? '');
  return { wallMs, xml: r.stdout ?? '', capped };
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** What the bench needs from this machine, checked before touching anything. */
function preflight(): string | undefined {
  if (process.getuid?.() !== 0) return 'the sweep bench needs root (network namespaces and nftables)';
  for (const [tool, args, pkg] of [
    ['ip', ['-V'], 'iproute2'],
    ['nft', ['--version'], 'nftables'],
    ['nmap', ['--version'], 'nmap'],
    ['iptables-nft', ['--version'], 'iptables'],
    ['python3', ['--version'], 'python3'],
  ] as const) {
    if (spawnSync(tool, args, { stdio: 'ignore' }).status !== 0)
      return `the sweep bench needs ${tool} (apt-get install ${pkg})`;
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
    console.log(`sweep bench: ${CLIENT_ADDRESS} -> router -> ${SERVER_ADDRESS}, ports ${RANGE[0]}-${RANGE[1]}`);
    console.log(
      `node ${process.version}; nmap -sT -Pn -T4 capped at ${NMAP_CAP_S} s (${NMAP_SLOW_CAP_S} s and one run on slow paths); median of ${REPEATS} runs each\n`,
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
      const closed = s.closed === true;
      if (server?.closed !== closed) {
        await server?.stop();
        server = undefined;
        server = await startReferenceServer(topo, closed);
        console.log(
          `reference server ${server.serverId} ${closed ? 'listening on none of the range' : 'in sweep mode'}`,
        );
      }
      setRouterRules(topo, s.rules);
      const path = s.path ? await emulatePath(routerNamespace(topo.router), s.path) : undefined;
      try {
        failures += measureScenario(topo, s, server, rows, total);
      } finally {
        await path?.stop();
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

/**
 * nmap and our sweep on one scenario, a row per variant of ours; returns how many variants disagreed
 * with the rules. On a closed range the "rtt only" variant (no calibration) is there for contrast:
 * it shows what a late refusal does to a deadline taken from round trips alone, and is not counted.
 */
function measureScenario(
  topo: Topology,
  s: Scenario,
  server: { serverId: string; closed: boolean },
  rows: string[][],
  total: number,
): number {
  const capS = s.path ? NMAP_SLOW_CAP_S : NMAP_CAP_S;
  const nmaps: Array<ReturnType<typeof runNmap>> = [];
  for (let i = 0; i < (s.path ? 1 : REPEATS); i++) {
    nmaps.push(runNmap(topo, capS));
    if (nmaps.at(-1)!.capped) break;
  }
  const nmap = median(nmaps, (n) => n.wallMs);
  const nmapWorst = worstOf(nmaps.map((n) => (n.capped ? undefined : nmapAgreement(s, n.xml))));
  const nmapText = nmap.capped ? `>${capS} s` : fmtS(nmap.wallMs);
  const variants: Array<[string, Variant]> = server.closed
    ? [
        // The engine calibrates on a passive port the server closed after its transfer: reachable and closed, like the range's last port here.
        ['calibrated', { calibrateOn: RANGE[1] }],
        ['rtt only', {}],
      ]
    : [
        ['token', { serverId: server.serverId }],
        ['connect', {}],
      ];
  let failures = 0;
  for (const [variant, options] of variants) {
    const runs = Array.from({ length: REPEATS }, () => runOurs(topo, options));
    const ours = median(runs, (r) => r.sweepMs);
    // Agreement must hold in every run, not just the median one.
    const worst = worstOf(
      runs.map((r) =>
        r.error
          ? { agree: 0, wrong: [r.error], falseDrops: Number.NaN }
          : { ...sweepAgreement(s, r.runs), ...(r.mismatches ? { mismatches: r.mismatches } : {}) },
      ),
    )!;
    if (variant !== 'rtt only' && (worst.agree !== total || worst.exactRuns === false)) failures++;
    const ratio = (ms: number) => (nmap.capped ? `<${(ms / (capS * 1000)).toFixed(3)}` : (ms / nmap.wallMs).toFixed(2));
    const c = ours.calibration;
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
      agreementText(worst, total),
      nmap.capped ? 'n/a (capped)' : agreementText(nmapWorst, total),
      Object.entries(ours.counts)
        .map(([k, n]) => `${k}=${n}`)
        .join(' '),
      (c
        ? `calibration ${fmtS(c.elapsedMs)}: refusal ${c.refusalMs ?? '-'} ms, answers ${Math.round(c.answerMs)} ms → ${c.deadlineMs} ms; `
        : '') + ours.passes.map((p) => `${p.ports}@${p.timeoutMs}ms/${fmtS(p.elapsedMs)}`).join(' + '),
    ]);
    console.log(rows.at(-1)!.join(' | '));
  }
  return failures;
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
