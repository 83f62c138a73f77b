import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { BlockKind, Channel, ChannelStatus, Diagnosis, FindingCode } from '../../src/diagnosis/finding.js';
import { defaultSettings, runProbe } from '../../src/probe/index.js';
import type { ObservationLog, ProbeEvent, ProbeSettings, StepId } from '../../src/observation/index.js';
import { DEFAULT_LIMITS, startServer, type ServerConfig } from '../../src/server/index.js';
import { prepareDescriptorLimit } from './record-fixtures-fd-limit.js';
import { startScriptedFtp, type ScriptedFtpOptions } from './record-fixtures-ftp.js';

/**
 * Records observation logs from real runs of the probe engine against the reference server into
 * fixtures/, each with a sidecar of the findings it must produce (written here by hand, per
 * scenario, and checked against the diagnosis at record time). Where the reference server will not
 * misbehave as a scenario needs, a scripted FTP server on a real socket stands in (its sidecar's
 * recordedWith says so). Loopback scenarios run in this
 * process; firewall scenarios run in a network namespace of our own (its own loopback and its
 * own nftables ruleset), by re-running this file inside it with `ip netns exec`.
 * See fixtures/README.md.
 */

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const CONFIG = fileURLToPath(new URL('./record-fixtures.config.ts', import.meta.url));
const PASSWORD = 'fixture-Pa55-word';
const PASV: [number, number] = [23300, 23363];
const ACTIVE: [number, number] = [23400, 23409];
/** The one data port the EPSV scenario's scripted server names (outside both ranges above). */
const EPSV_PORT = 23370;

interface Expected {
  description: string;
  recordedWith: string;
  require: Channel[];
  findings: FindingCode[];
  channels: Partial<Record<Channel, ChannelStatus>>;
  verdict: Diagnosis['verdict'];
  allClear: boolean;
  /** Exact facts of some findings: how the connection was blocked and the exact port ranges. */
  details?: Partial<Record<FindingCode, { how?: BlockKind; ports?: Array<[number, number]> }>>;
}

interface Scenario {
  name: string;
  expected: Omit<Expected, 'recordedWith'>;
  host?: string;
  server?: Partial<ServerConfig>;
  /** A scripted misbehaving FTP server (record-fixtures-ftp.ts) instead of the reference server. */
  scripted?: ScriptedFtpOptions;
  /** From the start of this step on, this process may open no further descriptor (EMFILE). */
  descriptorsExhaustedAt?: StepId;
  /** Control port to probe instead of the server's (a port where nothing listens). */
  closedPort?: boolean;
  settings?: Partial<ProbeSettings>;
  password?: string;
  /** nftables ruleset applied inside a namespace of our own before the run. */
  nft?: string;
  /** Also keep the engine's event stream (fixtures/events/), which the live view's tests replay. */
  events?: true;
}

const scenarios: Scenario[] = [
  {
    name: 'loopback-all-clear-plain',
    server: { sweepMode: true },
    settings: { sweep: 'full' },
    expected: {
      description: 'Reference server in sweep mode on 127.0.0.1; plain FTP; full sweep of its passive range.',
      require: ['passive', 'active'],
      findings: [],
      channels: { control: 'ok', passive: 'ok', active: 'ok', tls: 'skipped' },
      verdict: 'ok',
      allClear: true,
    },
  },
  {
    name: 'loopback-all-clear-ipv6',
    host: '::1',
    expected: {
      description: 'Reference server on ::1: PASV is refused (RFC 2428 §1), EPSV and EPRT work.',
      require: ['passive', 'active'],
      findings: [],
      channels: { control: 'ok', passive: 'ok', active: 'ok' },
      verdict: 'ok',
      allClear: true,
    },
  },
  {
    name: 'loopback-all-clear-tls-auto',
    settings: { tls: 'auto', insecure: true },
    expected: {
      description:
        'Explicit FTPS with --tls-auto and --insecure (self-signed certificate); data over TLS and plain sessions.',
      require: ['passive', 'active', 'tls'],
      findings: [],
      channels: { control: 'ok', passive: 'ok', active: 'ok', tls: 'ok' },
      verdict: 'ok',
      allClear: true,
    },
  },
  {
    name: 'loopback-all-clear-ipv6-tls',
    host: '::1',
    settings: { tls: 'auto', insecure: true },
    expected: {
      description: 'Explicit FTPS with --tls-auto on ::1: EPSV/EPRT over TLS and plain sessions.',
      require: ['passive', 'active', 'tls'],
      findings: [],
      channels: { control: 'ok', passive: 'ok', active: 'ok', tls: 'ok' },
      verdict: 'ok',
      allClear: true,
    },
  },
  {
    name: 'loopback-all-clear-tls-reuse-required',
    server: { requireTlsReuse: true },
    settings: { tls: 'explicit', insecure: true },
    expected: {
      description:
        'The server requires TLS session reuse on data connections (as vsftpd does); the engine resumes the session.',
      require: ['passive', 'active', 'tls'],
      findings: [],
      channels: { passive: 'ok', active: 'ok', tls: 'ok' },
      verdict: 'ok',
      allClear: true,
    },
  },
  {
    name: 'loopback-all-clear-eprt-sample-sweep',
    settings: { useEprt: true, sweep: 'sample' },
    expected: {
      description:
        'A server without sweep mode (resets from ports where nothing listens are reachable ports), sampled sweep, EPRT for active mode.',
      require: ['passive', 'active'],
      findings: [],
      channels: { passive: 'ok', active: 'ok' },
      verdict: 'ok',
      allClear: true,
    },
  },
  {
    name: 'loopback-login-failed',
    settings: { user: 'alice' },
    password: 'wrong-password',
    expected: {
      description: 'Wrong password for user alice.',
      require: ['passive'],
      findings: ['LOGIN_FAILED'],
      channels: { control: 'ok', passive: 'error' },
      verdict: 'error',
      allClear: false,
    },
  },
  {
    name: 'loopback-cert-untrusted',
    settings: { tls: 'explicit', insecure: false },
    expected: {
      description: 'Explicit FTPS without --insecure against the self-signed certificate.',
      require: ['passive', 'tls'],
      findings: ['TLS_CERT_UNTRUSTED'],
      channels: { tls: 'blocked', passive: 'error' },
      verdict: 'blocked',
      allClear: false,
    },
  },
  {
    name: 'loopback-pasv-private-address',
    server: { pasvAddress: '10.0.0.5' },
    expected: {
      description:
        'The server advertises 10.0.0.5 in 227 replies (pasv_address misconfigured); the control address works.',
      require: ['passive'],
      findings: ['PASV_PRIVATE_ADDRESS'],
      channels: { passive: 'partial' },
      verdict: 'problems',
      allClear: false,
    },
  },
  {
    name: 'loopback-control-refused',
    closedPort: true,
    expected: {
      description: 'Nothing listens on the control port: reset.',
      require: ['passive'],
      findings: ['CONTROL_UNREACHABLE'],
      channels: { control: 'blocked' },
      verdict: 'blocked',
      allClear: false,
      details: { CONTROL_UNREACHABLE: { how: 'reset' } },
    },
  },
  {
    name: 'loopback-tls-handshake-garbage',
    scripted: { tls: 'garbage', data: 'listing' },
    settings: { tls: 'explicit', insecure: true },
    expected: {
      description:
        'A scripted server answers AUTH TLS with 234, then answers the ClientHello with plain text instead of a ServerHello and closes; TLS required (--tls explicit).',
      require: ['passive', 'tls'],
      findings: ['TLS_HANDSHAKE_FAILED'],
      channels: { control: 'ok', tls: 'blocked', passive: 'error', active: 'error' },
      verdict: 'blocked',
      allClear: false,
    },
  },
  {
    name: 'loopback-pasv-address-mismatch',
    server: { pasvAddress: '198.51.100.77' },
    expected: {
      description:
        'The reference server advertises 198.51.100.77 (a public-class address, RFC 5737) in 227 replies while the control connection goes to 127.0.0.1; the engine does not connect to 198.51.100.77 and the control address works.',
      require: ['passive'],
      findings: ['PASV_ADDRESS_MISMATCH'],
      channels: { passive: 'partial', active: 'ok' },
      verdict: 'problems',
      allClear: false,
    },
  },
  {
    name: 'loopback-tls-session-reuse-required',
    scripted: { tls: 'handshake', data: 'reuse-required' },
    settings: { tls: 'explicit', insecure: true, pasvSamples: 1 },
    expected: {
      description:
        'A scripted FTPS server that cannot resume the control connection\'s TLS session on data connections but requires it, as vsftpd require_ssl_reuse=YES does: 150, TLS accepted, "522 SSL connection failed: session reuse required", control closed. PROT C data works.',
      require: ['passive', 'tls'],
      findings: ['TLS_SESSION_REUSE_REQUIRED'],
      channels: { control: 'ok', passive: 'partial', active: 'partial', tls: 'partial' },
      verdict: 'problems',
      allClear: false,
    },
  },
  {
    name: 'loopback-data-stalled',
    scripted: { data: 'stall' },
    settings: { pasvSamples: 1 },
    expected: {
      description:
        'A scripted server whose data connections (passive and active) send the first 19 bytes of a listing and then nothing while staying open.',
      require: ['passive', 'active'],
      findings: ['DATA_STALLED'],
      channels: { control: 'ok', passive: 'blocked', active: 'blocked' },
      verdict: 'blocked',
      allClear: false,
    },
  },
  {
    name: 'loopback-local-resource-emfile',
    server: { sweepMode: true },
    descriptorsExhaustedAt: 'passive',
    expected: {
      description:
        'The open-file limit of the probing process is lowered (prlimit RLIMIT_NOFILE) to the descriptors already open when the passive step starts: data connections and the active listener fail with EMFILE. The reference server runs in sweep mode, so it needs no new listener for PASV.',
      require: ['passive', 'active'],
      findings: ['LOCAL_RESOURCE', 'LOCAL_RESOURCE'],
      channels: { control: 'ok', passive: 'error', active: 'error' },
      verdict: 'error',
      allClear: false,
      details: { LOCAL_RESOURCE: { how: 'local' } },
    },
  },
  {
    name: 'netns-passive-subrange-dropped',
    events: true,
    server: { sweepMode: true },
    settings: { sweep: 'full' },
    nft: oneRuleRuleset('output', 'tcp dport 23340-23363 drop'),
    expected: {
      description: 'Own namespace, nftables output chain drops 23340–23363 of the passive range 23300–23363.',
      require: ['passive'],
      findings: ['PASSIVE_PORTS_BLOCKED', 'LOCAL_FIREWALL'],
      channels: { passive: 'partial' },
      verdict: 'problems',
      allClear: false,
      details: {
        PASSIVE_PORTS_BLOCKED: { how: 'drop', ports: [[23340, 23363]] },
        LOCAL_FIREWALL: { ports: [[23340, 23363]] },
      },
    },
  },
  {
    name: 'netns-passive-range-rejected',
    server: { sweepMode: true },
    settings: { sweep: 'full' },
    nft: oneRuleRuleset('output', 'tcp dport 23300-23363 reject with icmpx type admin-prohibited'),
    expected: {
      description:
        'Own namespace, nftables output chain rejects the whole passive range with ICMP admin-prohibited; active mode works.',
      require: ['passive'],
      findings: ['PASSIVE_PORTS_BLOCKED', 'LOCAL_FIREWALL'],
      channels: { passive: 'blocked', active: 'ok' },
      verdict: 'blocked',
      allClear: false,
      details: { PASSIVE_PORTS_BLOCKED: { how: 'icmp-reject', ports: [PASV] } },
    },
  },
  {
    name: 'netns-passive-subrange-reset',
    server: { sweepMode: true },
    settings: { sweep: 'full' },
    nft: oneRuleRuleset('output', 'tcp dport 23350-23363 reject with tcp reset'),
    expected: {
      description:
        'Own namespace, output chain rejects 23350–23363 with tcp reset; the sweep token server listens there, so the resets are a firewall.',
      require: ['passive'],
      findings: ['PASSIVE_PORTS_BLOCKED', 'LOCAL_FIREWALL'],
      channels: { passive: 'partial' },
      verdict: 'problems',
      allClear: false,
      details: { PASSIVE_PORTS_BLOCKED: { how: 'reset', ports: [[23350, 23363]] } },
    },
  },
  {
    name: 'netns-tls-breaks-ftp-helper',
    server: { port: 21 },
    settings: { tls: 'auto', insecure: true },
    nft: `table inet filter {
  ct helper ftp-standard {
    type "ftp" protocol tcp;
  }
  chain output {
    type filter hook output priority filter; policy drop;
    ct state established,related accept
    tcp dport 21 ct helper set "ftp-standard" accept
    tcp dport ${ACTIVE[0]}-${ACTIVE[1]} accept
  }
}`,
    expected: {
      description:
        'Own namespace, output policy drop with only established/related traffic and the nftables FTP helper on port 21: plain-session passive data is admitted as related, passive data on TLS sessions is not.',
      require: ['passive', 'tls'],
      findings: ['TLS_BREAKS_ALG', 'LOCAL_FIREWALL'],
      channels: { passive: 'partial', active: 'ok', tls: 'partial' },
      verdict: 'problems',
      allClear: false,
    },
  },
  {
    name: 'netns-active-inbound-dropped',
    nft: oneRuleRuleset('input', `tcp dport ${ACTIVE[0]}-${ACTIVE[1]} drop`),
    expected: {
      description: 'Own namespace, nftables input chain drops the active-mode ports.',
      require: ['passive', 'active'],
      findings: ['ACTIVE_INBOUND_BLOCKED', 'LOCAL_FIREWALL'],
      channels: { passive: 'ok', active: 'blocked' },
      verdict: 'blocked',
      allClear: false,
      details: { ACTIVE_INBOUND_BLOCKED: { ports: [[ACTIVE[0], ACTIVE[0]]] } },
    },
  },
  {
    name: 'netns-epsv-port-dropped',
    scripted: { epsvPort: EPSV_PORT, data: 'listing' },
    nft: oneRuleRuleset('output', `tcp dport ${EPSV_PORT} drop`),
    expected: {
      description: `Own namespace, a scripted server whose 229 replies always name port ${EPSV_PORT} (listening), which the nftables output chain drops; PASV data ports get through.`,
      require: ['passive'],
      findings: ['EPSV_BLOCKED_PASV_OK', 'LOCAL_FIREWALL'],
      channels: { passive: 'partial', active: 'ok' },
      verdict: 'problems',
      allClear: false,
      details: {
        EPSV_BLOCKED_PASV_OK: { ports: [[EPSV_PORT, EPSV_PORT]] },
        LOCAL_FIREWALL: { ports: [[EPSV_PORT, EPSV_PORT]] },
      },
    },
  },
];

/** An nftables ruleset whose one base chain on `hook` lets everything through except what `rule` matches. */
function oneRuleRuleset(hook: 'input' | 'output', rule: string): string {
  return `table inet filter {
  chain ${hook} {
    type filter hook ${hook} priority filter; policy accept;
    ${rule}
  }
}`;
}

function settingsFor(s: Scenario, host: string, port: number): ProbeSettings {
  return {
    ...defaultSettings(host),
    port,
    sweep: 'off',
    ranges: [PASV],
    pasvSamples: 2,
    activePorts: ACTIVE,
    stepTimeoutMs: 1500,
    timeoutMs: 40_000,
    ...s.settings,
  };
}

async function record(s: Scenario): Promise<{ log: ObservationLog; diagnosis: Diagnosis; events: ProbeEvent[] }> {
  const host = s.host ?? '127.0.0.1';
  const server = await startTarget(s, host);
  const limit = s.descriptorsExhaustedAt ? prepareDescriptorLimit() : undefined;
  const events: ProbeEvent[] = [];
  try {
    const port = s.closedPort ? await closedPort(host) : server.port;
    const log = await runProbe(settingsFor(s, host, port), {
      password: s.password ?? (s.settings?.user ? PASSWORD : undefined),
      onEvent: (e) => {
        if (limit && e.type === 'step-start' && e.id === s.descriptorsExhaustedAt) limit.exhaust();
        if (s.events) events.push(e);
      },
    });
    return { log, diagnosis: diagnose(log, { require: s.expected.require }), events };
  } finally {
    await limit?.restore();
    await server.close();
  }
}

async function startTarget(s: Scenario, host: string): Promise<{ port: number; close(): Promise<void> }> {
  if (s.scripted) return startScriptedFtp(host, s.scripted);
  return startServer({
    host,
    port: 0,
    ...s.server,
    pasvRange: PASV,
    activeSourcePort: 0,
    anonymous: true,
    user: 'alice',
    password: PASSWORD,
    limits: { ...DEFAULT_LIMITS, loginFailureDelayMs: 10, dataConnectTimeoutMs: 1000 },
    ...s.server,
  });
}

/** A port nothing listens on: one the kernel just gave us and we released. */
async function closedPort(host: string): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function save(s: Scenario, log: ObservationLog, recordedWith: string, events: ProbeEvent[]): void {
  mkdirSync(FIXTURES, { recursive: true });
  if (s.events) {
    mkdirSync(`${FIXTURES}events`, { recursive: true });
    const recording = { recordedWith, require: s.expected.require, events };
    writeFileSync(`${FIXTURES}events/${s.name}.events.json`, `${JSON.stringify(recording)}\n`);
  }
  // Only a namespace's ruleset is ours to keep; the host's own firewall stays out of the repository.
  if (!s.nft && log.localFirewall)
    log.localFirewall = {
      platform: log.localFirewall.platform,
      readable: false,
      reason: 'host ruleset not kept in fixtures',
    };
  writeFileSync(`${FIXTURES}${s.name}.observation.json`, `${JSON.stringify(log, null, 2)}\n`);
  const expected: Expected = { ...s.expected, recordedWith };
  writeFileSync(`${FIXTURES}${s.name}.expected.json`, `${JSON.stringify(expected, null, 2)}\n`);
}

function checkAgainstExpected(s: Scenario, d: Diagnosis): void {
  expect(d.findings.map((f) => f.code).sort(), s.name).toEqual([...s.expected.findings].sort());
  for (const [channel, status] of Object.entries(s.expected.channels))
    expect(`${channel}:${d.channels[channel as Channel].status}`).toBe(`${channel}:${status}`);
  expect(d.verdict).toBe(s.expected.verdict);
  for (const [code, want] of Object.entries(s.expected.details ?? {}))
    expect(
      d.findings.find((f) => f.code === code),
      code,
    ).toMatchObject(want);
}

const inside = process.env.FTPDOCTOR_RECORD_SCENARIO;

function run(cmd: string, args: string[], input?: string): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const canNetns = process.getuid?.() === 0 && run('ip', ['netns', 'list']).ok && run('nft', ['--version']).ok;

if (inside) {
  describe('inside a namespace of our own', () => {
    it(`records ${inside}`, async () => {
      const s = scenarios.find((x) => x.name === inside)!;
      const { log, diagnosis, events } = await record(s);
      save(
        s,
        log,
        `ftpdoctor probe engine against ${s.scripted ? 'a scripted FTP server (test/diagnosis/record-fixtures-ftp.ts)' : 'the reference server'} on 127.0.0.1 inside a private network namespace with this nftables ruleset: ${s.nft!.replace(/\s+/g, ' ')}`,
        events,
      );
      checkAgainstExpected(s, diagnosis);
    });
  });
} else {
  describe('record fixtures', () => {
    it.each(scenarios.filter((s) => !s.nft).map((s) => [s.name, s] as const))('%s', async (_name, s) => {
      const { log, diagnosis, events } = await record(s);
      save(
        s,
        log,
        `ftpdoctor probe engine against ${s.scripted ? 'a scripted FTP server (test/diagnosis/record-fixtures-ftp.ts)' : 'the reference server'} on ${s.host ?? '127.0.0.1'} (loopback)${s.descriptorsExhaustedAt ? `, open-file limit exhausted from the ${s.descriptorsExhaustedAt} step on (prlimit)` : ''}`,
        events,
      );
      checkAgainstExpected(s, diagnosis);
    });

    it.runIf(canNetns).each(scenarios.filter((s) => s.nft).map((s) => [s.name, s] as const))(
      '%s (own namespace)',
      (_name, s) => {
        const ns = `ftpdr-fix-${process.pid}`;
        try {
          expect(run('ip', ['netns', 'add', ns]).ok).toBe(true);
          expect(run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']).ok).toBe(true);
          const applied = run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], s.nft);
          expect(applied.out).toBe('');
          const child = spawnSync(
            'ip',
            ['netns', 'exec', ns, process.execPath, 'node_modules/vitest/vitest.mjs', 'run', '--config', CONFIG],
            {
              env: { ...process.env, FTPDOCTOR_RECORD_SCENARIO: s.name },
              encoding: 'utf8',
              timeout: 120_000,
            },
          );
          expect(child.status, `${child.stdout}\n${child.stderr}`).toBe(0);
        } finally {
          run('ip', ['netns', 'delete', ns]);
        }
      },
    );
  });
}
