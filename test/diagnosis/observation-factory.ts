import { classifyAddress } from '../../src/ftp/address-class.js';
import { defaultSettings } from '../../src/probe/index.js';
import type {
  ActiveAttempt,
  ConnectOutcome,
  ConnectState,
  DataConnectAttempt,
  ObservationLog,
  PassiveAttempt,
  PortRun,
  PortState,
  Protection,
  Reply,
  SweepObservation,
} from '../../src/observation/index.js';

/**
 * Small factories for observation logs, shaped as the engine records them. `clearLog()` is a run
 * where everything works; each case changes only the facts it is about.
 */

export const SERVER = '203.0.113.10';
export const CLIENT = '198.51.100.7';

const ERRNO: Partial<Record<ConnectState, string>> = {
  reset: 'ECONNREFUSED',
  'icmp-reject': 'EHOSTUNREACH',
  'local-error': 'EMFILE',
};

export function connect(address: string, port: number, state: ConnectState = 'open', errno?: string): ConnectOutcome {
  return {
    state,
    address,
    port,
    errno: state === 'open' || state === 'no-answer' ? errno : (errno ?? ERRNO[state]),
    elapsedMs: state === 'no-answer' ? 1200 : 3,
    timeoutMs: 1200,
    ...(state === 'open' ? { localAddress: CLIENT, localPort: 40000 + (port % 1000) } : {}),
  };
}

export function reply(code: number, text: string): Reply {
  return { code, text: `${code} ${text}` };
}

const transferOk = { result: 'complete' as const, bytes: 512, firstByteMs: 4, totalMs: 6 };

export function pasvOk(
  port: number,
  opts: { command?: 'PASV' | 'EPSV'; protection?: Protection; address?: string } = {},
): PassiveAttempt {
  const command = opts.command ?? 'PASV';
  const address = opts.address ?? SERVER;
  const protection = opts.protection ?? 'clear';
  return {
    command,
    protection,
    controlTls: protection === 'private',
    purpose: 'probe',
    controlPeer: SERVER,
    reply:
      command === 'PASV'
        ? reply(227, `Entering Passive Mode (${address.split('.').join(',')},${port >> 8},${port & 255}).`)
        : reply(229, `Entering Extended Passive Mode (|||${port}|)`),
    advertised: { address, port, addressClass: classifyAddress(address) },
    connections: [
      {
        via: 'advertised',
        connect: connect(address, port),
        ...(protection === 'private'
          ? { tls: { ok: true, sessionReused: true, protocol: 'TLSv1.3', elapsedMs: 5 } }
          : {}),
        transfer: transferOk,
      },
    ],
    listCommand: 'LIST',
    listReplies: [reply(150, 'Here comes the directory listing.'), reply(226, 'Directory send OK.')],
    outcome: 'ok',
    elapsedMs: 20,
  };
}

/** A passive attempt whose data connect failed with `state`. */
export function pasvBlocked(
  port: number,
  state: ConnectState,
  opts: { command?: 'PASV' | 'EPSV'; protection?: Protection } = {},
): PassiveAttempt {
  const base = pasvOk(port, opts);
  return {
    ...base,
    connections: [{ via: 'advertised', connect: connect(SERVER, port, state) }],
    listReplies: [],
    outcome: state === 'local-error' ? 'error' : 'connect-failed',
  };
}

/** The server advertises `advertised` (behind NAT); we then try the control address. */
export function pasvElsewhere(
  advertised: string,
  port: number,
  controlPeerState: ConnectState | 'skipped-advertised',
): PassiveAttempt {
  const base = pasvOk(port, { address: advertised });
  const connections: DataConnectAttempt[] = [];
  const thirdParty = classifyAddress(advertised) === 'public' || classifyAddress(advertised) === 'documentation';
  if (!thirdParty) connections.push({ via: 'advertised', connect: connect(advertised, port, 'no-answer') });
  const peerState = controlPeerState === 'skipped-advertised' ? 'open' : controlPeerState;
  connections.push({
    via: 'control-peer',
    connect: connect(SERVER, port, peerState),
    ...(peerState === 'open' ? { transfer: transferOk } : {}),
  });
  return {
    ...base,
    connections,
    ...(thirdParty
      ? {
          advertisedSkipped: `${advertised} is not the server's address; connecting to a third host needs --follow-pasv-address`,
        }
      : {}),
    listReplies: peerState === 'open' ? base.listReplies : [],
    outcome: peerState === 'open' ? 'ok' : 'connect-failed',
  };
}

export function activeOk(
  opts: { command?: 'PORT' | 'EPRT'; protection?: Protection; address?: string; port?: number } = {},
): ActiveAttempt {
  const address = opts.address ?? CLIENT;
  const port = opts.port ?? 50000;
  const command = opts.command ?? 'PORT';
  const argument =
    command === 'PORT' ? `${address.split('.').join(',')},${port >> 8},${port & 255}` : `|1|${address}|${port}|`;
  return {
    command,
    protection: opts.protection ?? 'clear',
    controlTls: opts.protection === 'private',
    listen: { address: '0.0.0.0', port },
    advertised: { address, port, addressClass: classifyAddress(address) },
    sentArgument: argument,
    serverReceived: argument,
    portReply: reply(200, `${command} command successful.`),
    listReplies: [reply(150, 'Here comes the directory listing.'), reply(226, 'Directory send OK.')],
    inbound: { arrived: true, from: { address: SERVER, port: 20 }, waitedMs: 5 },
    ...(opts.protection === 'private'
      ? { tls: { ok: true, sessionReused: true, protocol: 'TLSv1.3', elapsedMs: 5 } }
      : {}),
    transfer: transferOk,
    outcome: 'ok',
    elapsedMs: 25,
  };
}

/** The server accepted PORT but its connection never arrived; it then answered `final`. */
export function activeNoInbound(
  opts: { address?: string; protection?: Protection; final?: Reply } = {},
): ActiveAttempt {
  const base = activeOk(opts);
  const final = opts.final ?? reply(425, 'Failed to establish connection.');
  return {
    ...base,
    listReplies: [final],
    inbound: { arrived: false, waitedMs: 3000 },
    transfer: undefined,
    tls: undefined,
    outcome: final.code === 425 ? 'server-connect-failed' : 'no-inbound',
  };
}

export function activeRefused(text: string, opts: { address?: string; protection?: Protection } = {}): ActiveAttempt {
  const base = activeOk(opts);
  return {
    ...base,
    portReply: reply(500, text),
    listReplies: [],
    inbound: undefined,
    transfer: undefined,
    tls: undefined,
    outcome: 'command-refused',
  };
}

export function sweepOf(
  runs: Array<[number, number, PortState]>,
  opts: { mode?: 'full' | 'sample'; ranges?: Array<[number, number]>; cooperative?: boolean } = {},
): SweepObservation {
  const portRuns: PortRun[] = runs.map(([from, to, state]) => ({ from, to, state }));
  const counts: Partial<Record<PortState, number>> = {};
  for (const r of portRuns) counts[r.state] = (counts[r.state] ?? 0) + r.to - r.from + 1;
  const errnos: Partial<Record<PortState, string[]>> = {};
  if (counts['icmp-reject']) errnos['icmp-reject'] = ['EHOSTUNREACH'];
  if (counts['local-error']) errnos['local-error'] = ['EMFILE'];
  return {
    mode: opts.mode ?? 'full',
    address: SERVER,
    ranges: opts.ranges ?? [[60000, 65535]],
    cooperative: opts.cooperative ?? true,
    runs: portRuns,
    counts,
    portsTested: Object.values(counts).reduce((a, b) => a + (b ?? 0), 0),
    retries: 0,
    timing: { srttMs: 1, rttvarMs: 1, timeoutMs: 100 },
    concurrency: { max: 256, final: 256 },
    errnos,
    elapsedMs: 900,
    complete: true,
  };
}

export function clearLog(): ObservationLog {
  return {
    observationVersion: 1,
    startedAt: '2026-11-25T16:00:00.000Z',
    endedAt: '2026-11-25T16:00:02.500Z',
    complete: true,
    settings: {
      ...defaultSettings('ftp.example.test'),
      activePorts: [50000, 50000],
      pasvSamples: 2,
      timeoutMs: 60000,
      stepTimeoutMs: 5000,
    },
    environment: {
      os: 'linux',
      node: 'v24.21.0',
      localAddresses: [CLIENT],
      ephemeralPorts: [32768, 60999],
      fdLimit: 1024,
    },
    steps: [
      { id: 'resolve', label: 'Resolve', status: 'ok', startedMs: 0, elapsedMs: 2, summary: SERVER },
      { id: 'control-connect', label: 'Control connection', status: 'ok', startedMs: 2, elapsedMs: 3, summary: 'open' },
    ],
    resolve: { host: 'ftp.example.test', addresses: [{ address: SERVER, family: 4 }], used: SERVER, elapsedMs: 2 },
    control: {
      connect: connect(SERVER, 21),
      implicitTls: false,
      greeting: {
        kind: 'ftp',
        reply: reply(220, 'ftpdoctor reference server'),
        firstBytes: '220 ftpdoctor reference server\\r\\n',
        elapsedMs: 4,
      },
    },
    login: {
      user: 'anonymous',
      anonymous: true,
      userReply: reply(331, 'Please specify the password.'),
      passReply: reply(230, 'Login successful.'),
      ok: true,
      elapsedMs: 5,
    },
    features: { features: ['EPSV', 'PASV', 'AUTH TLS'] },
    serverView: { peer: { address: CLIENT, port: 40021 } },
    passive: [pasvOk(60100), pasvOk(61200, { command: 'EPSV' })],
    active: [activeOk()],
    sweep: sweepOf([[60000, 65535, 'open']]),
    transcript: [
      { t: 4, dir: 'received', text: '220 ftpdoctor reference server', channel: 'control' },
      { t: 5, dir: 'sent', text: 'USER anonymous', channel: 'control' },
      { t: 6, dir: 'received', text: '331 Please specify the password.', channel: 'control' },
      { t: 6, dir: 'sent', text: 'PASS ***', channel: 'control' },
      { t: 7, dir: 'received', text: '230 Login successful.', channel: 'control' },
    ],
  };
}

/** A clear log with TLS (AUTH TLS, PROT P) established and both protections tried. */
export function tlsLog(): ObservationLog {
  const log = clearLog();
  log.settings.tls = 'auto';
  log.tls = {
    requested: 'auto',
    authReply: reply(234, 'Proceed with negotiation.'),
    established: true,
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    certificate: {
      subject: 'CN=ftp.example.test',
      issuer: 'CN=Example CA',
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2027-01-01T00:00:00Z',
      fingerprint256: 'AA:BB',
      selfSigned: false,
      expired: false,
      hostnameMatches: true,
    },
    insecureAccepted: false,
    pbszReply: reply(200, 'PBSZ=0'),
    protReply: reply(200, 'PROT now Private.'),
    elapsedMs: 12,
  };
  log.passive = [pasvOk(60100), pasvOk(60200, { protection: 'private' })];
  log.active = [activeOk(), activeOk({ protection: 'private' })];
  return log;
}

export function mutate(base: ObservationLog, change: (log: ObservationLog) => void): ObservationLog {
  const log = structuredClone(base);
  change(log);
  return log;
}
