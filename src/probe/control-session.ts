import { ProbeError, asProbeError, connectTcp, tlsHandshake } from '../net/index.js';
import type {
  ConnectOutcome,
  ControlObservation,
  LoginObservation,
  Protection,
  Reply,
  TlsObservation,
} from '../observation/index.js';
import { isIP } from 'node:net';
import type { ConnectionOptions, SecureVersion } from 'node:tls';
import { certificateFacts } from './certificate-facts.js';
import { decideTrust } from './certificate-trust.js';
import { ControlChannel } from './control-channel.js';
import { classifyGreeting, printableBytes } from './greeting-kind.js';
import { elapsedSince, type ProbeRun } from './probe-run.js';

/**
 * The control session: connect, greeting, TLS, login. Each function records what it saw and
 * returns the channel (or why it cannot go on); the engine wraps them in steps.
 */

export function tlsOptions(
  host: string,
  version?: SecureVersion,
): Omit<ConnectionOptions, 'socket' | 'rejectUnauthorized'> {
  // SNI carries names only (RFC 6066 §3), never an IP literal.
  return {
    ...(isIP(host) === 0 ? { servername: host } : {}),
    ...(version ? { minVersion: version, maxVersion: version } : {}),
  };
}

export interface ControlOpen {
  connect: ConnectOutcome;
  channel?: ControlChannel;
  /** Implicit FTPS (pre-RFC 4217 convention, port 990): the handshake comes before the greeting. */
  tls?: TlsObservation;
}

/** `version` pins the implicit-TLS handshake to one TLS version (tls-version-reuse.ts). */
export async function openControl(run: ProbeRun, address: string, version?: SecureVersion): Promise<ControlOpen> {
  const { settings } = run;
  const { outcome, socket } = await connectTcp({
    address,
    port: settings.port,
    timeoutMs: settings.stepTimeoutMs,
    signal: run.signal,
  });
  if (!socket) return { connect: outcome };
  if (settings.tls !== 'implicit') return { connect: outcome, channel: new ControlChannel(socket, run.transcript) };
  const started = performance.now();
  try {
    const secure = await tlsHandshake(socket, tlsOptions(settings.host, version), settings.stepTimeoutMs, run.signal);
    const tls = await describeTls(run, secure, 'implicit', started);
    const channel = new ControlChannel(secure, run.transcript);
    if (!tls.established) channel.close();
    return { connect: outcome, channel: tls.established ? channel : undefined, tls };
  } catch (err) {
    socket.destroy();
    const e = asProbeError(err, 'E_TLS');
    return {
      connect: outcome,
      tls: {
        requested: 'implicit',
        established: false,
        insecureAccepted: false,
        error: { code: e.code, message: e.message },
        elapsedMs: elapsedSince(started),
      },
    };
  }
}

/** Certificate facts and the trust decision (certificate-trust.ts), which may ask the person. */
export async function describeTls(
  run: ProbeRun,
  secure: import('node:tls').TLSSocket,
  requested: TlsObservation['requested'],
  started: number,
): Promise<TlsObservation> {
  const cert = secure.getPeerCertificate();
  const authorizationError = secure.authorizationError ? String(secure.authorizationError) : undefined;
  const trusted = secure.authorized;
  const record: TlsObservation = {
    requested,
    established: false,
    insecureAccepted: false,
    elapsedMs: elapsedSince(started),
  };
  const protocol = secure.getProtocol();
  if (protocol) record.protocol = protocol;
  const cipher = secure.getCipher();
  if (cipher) record.cipher = cipher.standardName ?? cipher.name;
  if (cert && Object.keys(cert).length > 0)
    record.certificate = certificateFacts(cert, run.settings.host, new Date(), authorizationError);
  if (authorizationError) record.authorizationError = authorizationError;
  const decision = await decideTrust({
    authorized: trusted,
    ...(authorizationError ? { authorizationError } : {}),
    ...(record.certificate ? { certificate: record.certificate } : {}),
    insecure: run.settings.insecure,
    ...(run.settings.trustFingerprint ? { trustFingerprint: run.settings.trustFingerprint } : {}),
    ...(run.confirmCertificate ? { confirm: run.confirmCertificate } : {}),
    ...(run.acceptedFingerprint ? { acceptedBefore: run.acceptedFingerprint } : {}),
    signal: run.signal,
  });
  if (decision.proceed && decision.acceptedBy === 'user') run.acceptedFingerprint = record.certificate?.fingerprint256;
  record.established = decision.proceed;
  if (decision.proceed) {
    record.insecureAccepted = !trusted;
    if (decision.acceptedBy) record.acceptedBy = decision.acceptedBy;
  } else {
    record.error = decision.error;
    secure.destroy();
  }
  return record;
}

export type Greeting = NonNullable<ControlObservation['greeting']>;

/**
 * The greeting (RFC 959 §5.4: 120 then 220, or 220, or 421). Silence gets one harmless nudge so an
 * HTTP server answers; a port that closes on plain text gets one TLS handshake on a new connection,
 * which tells an implicit-FTPS port apart from a dead one.
 */
export async function readGreeting(
  run: ProbeRun,
  channel: ControlChannel,
): Promise<{ greeting: Greeting; closedEarly?: ProbeError }> {
  const started = performance.now();
  const timeoutMs = run.settings.stepTimeoutMs;
  let reply: Reply | undefined;
  let failure: ProbeError | undefined;
  try {
    const item = await channel.nextItem(timeoutMs, run.signal);
    if (item.kind === 'reply') {
      reply = item.reply;
      if (reply.code === 120) reply = await channel.read(timeoutMs, run.signal);
    } else if (item.kind === 'garbage') {
      failure = new ProbeError('E_NOT_FTP', 'the greeting is not an FTP reply');
    } else {
      failure = new ProbeError('E_REPLY_TOO_LONG', `the greeting exceeded ${item.bytes} bytes without ending`);
    }
  } catch (err) {
    failure = asProbeError(err);
    if (failure.code === 'E_TIMEOUT' && channel.firstBytesLength === 0) failure = await nudge(run, channel, failure);
  }
  const first = channel.firstBytesBuffer;
  const closed = channel.closedReason !== undefined && failure?.code !== 'E_TIMEOUT';
  let kind = failure?.code === 'E_REPLY_TOO_LONG' ? 'garbage' : classifyGreeting(first, reply, closed);
  if (kind === 'closed' && failure?.facts['speaksTls'] === 'yes') kind = 'tls';
  const greeting: Greeting = { kind, firstBytes: printableBytes(first), elapsedMs: elapsedSince(started) };
  if (reply) greeting.reply = reply;
  if (kind === 'ftp') return { greeting };
  // Whatever this is, it is not an FTP session we can send commands on.
  channel.desynced = true;
  failure ??= new ProbeError(
    kind === 'ftp-busy' ? 'E_CLOSED' : 'E_NOT_FTP',
    `the service on the control port is not ready for FTP (${kind})`,
  );
  return { greeting, closedEarly: failure };
}

async function nudge(run: ProbeRun, channel: ControlChannel, silence: ProbeError): Promise<ProbeError> {
  const waitMs = Math.min(2000, Math.max(200, Math.floor(run.settings.stepTimeoutMs / 2)));
  try {
    run.transcript.note('nothing received: sending one line to see what answers');
    channel.write('HELP');
    await channel.nextItem(waitMs, run.signal);
    return new ProbeError('E_NOT_FTP', 'the server spoke only after the client did');
  } catch (err) {
    const e = asProbeError(err);
    if (e.code === 'E_TIMEOUT' || e.code === 'E_ABORTED') return e.code === 'E_ABORTED' ? e : silence;
    if (channel.firstBytesLength > 0)
      return new ProbeError('E_NOT_FTP', 'the server answered the nudge with something that is not FTP');
    return (await wantsTls(run))
      ? new ProbeError('E_NOT_FTP', 'the port speaks TLS first (implicit FTPS?)', { speaksTls: 'yes' })
      : e;
  }
}

async function wantsTls(run: ProbeRun): Promise<boolean> {
  const { socket } = await connectTcp({
    address: run.address,
    port: run.settings.port,
    timeoutMs: run.settings.stepTimeoutMs,
    signal: run.signal,
  });
  if (!socket) return false;
  try {
    const secure = await tlsHandshake(socket, tlsOptions(run.settings.host), run.settings.stepTimeoutMs, run.signal);
    secure.destroy();
    run.transcript.note('a TLS handshake on a second connection succeeded: this port expects implicit FTPS');
    return true;
  } catch {
    socket.destroy();
    return false;
  }
}

/** AUTH TLS (RFC 4217 §4) with 'auto' falling back to plain text when the server refuses it. */
export async function negotiateExplicitTls(run: ProbeRun, channel: ControlChannel): Promise<TlsObservation> {
  const started = performance.now();
  const requested = run.settings.tls === 'auto' ? 'auto' : 'explicit';
  let authReply: Reply;
  try {
    authReply = await channel.send('AUTH TLS', run.settings.stepTimeoutMs, run.signal);
  } catch (err) {
    const e = asProbeError(err);
    return {
      requested,
      established: false,
      insecureAccepted: false,
      error: { code: e.code, message: `AUTH TLS: ${e.message}` },
      elapsedMs: elapsedSince(started),
    };
  }
  if (authReply.code !== 234) {
    return {
      requested,
      authReply,
      established: false,
      insecureAccepted: false,
      error: { code: 'E_TLS', message: `AUTH TLS refused: ${authReply.text.split('\n')[0]}` },
      elapsedMs: elapsedSince(started),
    };
  }
  try {
    const secure = await channel.upgradeTls(
      tlsOptions(run.settings.host, channel.tlsVersion),
      run.settings.stepTimeoutMs,
      run.signal,
    );
    const record = await describeTls(run, secure, requested, started);
    record.authReply = authReply;
    return record;
  } catch (err) {
    const e = asProbeError(err, 'E_TLS');
    return {
      requested,
      authReply,
      established: false,
      insecureAccepted: false,
      error: { code: e.code, message: e.message },
      elapsedMs: elapsedSince(started),
    };
  }
}

/** PBSZ 0 then PROT P (RFC 4217 §8–9: PBSZ must precede PROT even though TLS ignores the size). */
export async function protectData(
  run: ProbeRun,
  channel: ControlChannel,
): Promise<{ pbszReply: Reply; protReply: Reply }> {
  const pbszReply = await channel.send('PBSZ 0', run.settings.stepTimeoutMs, run.signal);
  const protReply = await channel.send('PROT P', run.settings.stepTimeoutMs, run.signal);
  return { pbszReply, protReply };
}

/** The conventional anonymous user names (RFC 1635). */
export function isAnonymousUser(user: string): boolean {
  return /^(anonymous|ftp)$/i.test(user);
}

/**
 * Whether this login may cross the network in plain text: an anonymous one whose "password" is
 * the probe's own courtesy address, never one the user supplied.
 */
export function loginIsPublic(run: ProbeRun): boolean {
  return isAnonymousUser(run.settings.user) && run.password === undefined;
}

/** USER/PASS (RFC 959 §4.1.1); anonymous by convention sends an e-mail-like password (RFC 1635). */
export async function login(run: ProbeRun, channel: ControlChannel): Promise<LoginObservation> {
  const started = performance.now();
  const user = run.settings.user;
  const anonymous = isAnonymousUser(user);
  const record: LoginObservation = { user, anonymous, ok: false, elapsedMs: 0 };
  const t = run.settings.stepTimeoutMs;
  record.userReply = await channel.send(`USER ${user}`, t, run.signal);
  if (record.userReply.code === 331 || record.userReply.code === 332) {
    const password = run.password ?? (anonymous ? 'ftpdoctor@' : '');
    record.passReply = await channel.send(`PASS ${password}`, t, run.signal);
    record.ok = record.passReply.code === 230 || record.passReply.code === 202;
  } else {
    record.ok = record.userReply.code === 230;
  }
  record.elapsedMs = elapsedSince(started);
  return record;
}

/** TYPE I (RFC 959 §3.1.1.3): image type, so listings and files arrive byte for byte. */
export function binaryType(run: ProbeRun, channel: ControlChannel): Promise<Reply> {
  return channel.send('TYPE I', run.settings.stepTimeoutMs, run.signal);
}

/**
 * Brings a fresh control connection (already greeted) to where the first session stood: TLS when
 * the session is to be protected, the login, PBSZ/PROT and TYPE I, with the same functions the
 * first session's steps use. Returns the data protection in force, or undefined when the session
 * could not be opened; what happened is in the transcript only.
 */
export async function resumeSession(
  run: ProbeRun,
  channel: ControlChannel,
  tls: boolean,
): Promise<Protection | undefined> {
  if (tls && run.settings.tls !== 'implicit') {
    const negotiated = await negotiateExplicitTls(run, channel);
    if (!negotiated.established) return undefined;
  }
  if (!(await login(run, channel)).ok) return undefined;
  let protection: Protection = 'clear';
  if (tls) {
    const record = await protectData(run, channel);
    if (record.protReply.code === 200) protection = 'private';
  }
  await binaryType(run, channel);
  return channel.usable ? protection : undefined;
}
