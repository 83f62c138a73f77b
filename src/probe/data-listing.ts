import { isCompletion } from '../ftp/index.js';
import type { DataTls, DataTransfer, Protection, Reply } from '../observation/index.js';
import type { Socket } from 'node:net';
import type { ControlChannel } from './control-channel.js';
import { readToEnd, secureDataConnection } from './data-transfer.js';
import type { ProbeRun } from './probe-run.js';
import { tlsOptions } from './control-session.js';

/** Replies meaning "this command is not implemented" (RFC 959 §4.2): worth trying NLST instead of LIST. */
const NOT_IMPLEMENTED = new Set([500, 502, 504]);

/**
 * How long a silent server gets, with the data connection up, before the TLS handshake on it starts
 * anyway. Under PROT P (RFC 4217 §9) servers order the handshake and the transfer command's
 * preliminary reply differently: vsftpd, proftpd and the reference server send 1xx and then accept
 * TLS; pyftpdlib treats bytes that arrive before it has processed the transfer command as a
 * disconnect (DTPHandler.readable closes the channel), so the ClientHello must wait for the 1xx; a
 * server that accepts TLS before it sends 1xx would wait for our ClientHello forever.
 */
const DATA_TLS_GRACE_MS = 1000;

/**
 * Sends LIST, or NLST when LIST is not implemented; returns the command used and its first reply.
 * With `dataTls`, a protected data connection that is up while the server stays silent past the
 * grace period gets its TLS handshake started (returned as `pendingTls`). `send` waits for the
 * first reply (active mode ends the wait early when the server's connection never arrived).
 */
export async function sendListing(
  run: ProbeRun,
  channel: ControlChannel,
  replies: Reply[],
  dataTls?: { connection: Promise<Socket | undefined>; resume?: boolean },
  send: (command: 'LIST' | 'NLST') => Promise<Reply> = (command) =>
    channel.send(command, run.settings.stepTimeoutMs, run.signal),
): Promise<{ command: 'LIST' | 'NLST'; reply: Reply; pendingTls?: ReturnType<typeof secureDataConnection> }> {
  const t = run.settings.stepTimeoutMs;
  let pendingTls: ReturnType<typeof secureDataConnection> | undefined;
  let answered = false;
  const grace = dataTls
    ? setTimeout(
        () =>
          void dataTls.connection.then((socket) => {
            if (socket && !answered) pendingTls = protectDataSocket(run, channel, socket, dataTls.resume);
          }),
        Math.min(DATA_TLS_GRACE_MS, t / 2),
      )
    : undefined;
  const withTls = (command: 'LIST' | 'NLST', reply: Reply) => ({
    command,
    reply,
    ...(pendingTls ? { pendingTls } : {}),
  });
  try {
    const reply = await send('LIST');
    replies.push(reply);
    if (!NOT_IMPLEMENTED.has(reply.code)) return withTls('LIST', reply);
    const nlst = await send('NLST');
    replies.push(nlst);
    return withTls('NLST', nlst);
  } finally {
    answered = true;
    clearTimeout(grace);
  }
}

/** TLS for a protected data connection, resuming the control session unless `resume` is false (tls-reuse-probe.ts). */
export function protectDataSocket(
  run: ProbeRun,
  channel: ControlChannel,
  socket: Socket,
  resume = true,
): ReturnType<typeof secureDataConnection> {
  const session = !resume
    ? undefined
    : (channel.tlsSession ??
      (channel.isTls && 'getSession' in channel.socket ? channel.socket.getSession() : undefined));
  return secureDataConnection(socket, {
    session,
    options: tlsOptions(run.settings.host, channel.tlsVersion),
    timeoutMs: run.settings.stepTimeoutMs,
    signal: run.signal,
  });
}

export interface DataResult {
  tls?: DataTls;
  transfer?: DataTransfer;
  /** The final reply (226, or 425/426/522 …) when it came. */
  final?: Reply;
}

/**
 * What a finished data transfer says on its own: TLS broke, nothing or too little came, or it
 * completed with a 2yz. Undefined when the final reply must decide (each probe reads its refusals).
 */
export function transferEnding(
  data: DataResult,
): 'tls-failed' | 'error' | 'no-data' | 'stalled' | 'aborted' | 'ok' | undefined {
  if (data.tls && !data.tls.ok) return 'tls-failed';
  const transfer = data.transfer;
  if (!transfer) return 'error';
  if (transfer.result === 'no-data' || transfer.result === 'stalled' || transfer.result === 'aborted')
    return transfer.result;
  if (isCompletion(data.final) && transfer.result === 'complete') return 'ok';
  return undefined;
}

/**
 * After the server said 1xx (or already 2xx): (TLS, then) read the listing to its end and wait for
 * the final reply. `pendingTls` is the handshake already started as soon as TCP connected: RFC 4217
 * makes the FTP client the TLS client on every data connection, and servers order the handshake and
 * the preliminary reply differently under PROT P (§9), so waiting for the reply first could deadlock
 * a server that waits for our ClientHello. `final` is a completion reply that came instead of 1xx.
 */
export async function completeTransfer(
  run: ProbeRun,
  channel: ControlChannel,
  socket: Socket,
  protection: Protection,
  replies: Reply[],
  opts: { pendingTls?: ReturnType<typeof secureDataConnection>; final?: Reply; resume?: boolean } = {},
): Promise<DataResult> {
  const { pendingTls, final } = opts;
  const t = run.settings.stepTimeoutMs;
  const result: DataResult = {};
  let stream: Socket = socket;
  if (protection === 'private') {
    const secured = await (pendingTls ?? protectDataSocket(run, channel, socket, opts.resume));
    result.tls = secured.record;
    if (!secured.socket) {
      socket.destroy();
      if (final) result.final = final;
      else await readFinal(run, channel, replies, result);
      return result;
    }
    stream = secured.socket;
  }
  result.transfer = await readToEnd(stream, { idleMs: t, maxMs: t * 4, signal: run.signal });
  stream.destroy();
  if (final) {
    result.final = final;
    return result;
  }
  if (result.transfer.result === 'no-data' || result.transfer.result === 'stalled') {
    // The server still believes the transfer runs: its final reply would arrive at an unknown time.
    channel.desynced = true;
    return result;
  }
  await readFinal(run, channel, replies, result);
  return result;
}

/** The final reply; its absence (a timeout) leaves the channel desynced, which the engine notices. */
async function readFinal(run: ProbeRun, channel: ControlChannel, replies: Reply[], result: DataResult): Promise<void> {
  try {
    result.final = await channel.read(run.settings.stepTimeoutMs, run.signal);
    replies.push(result.final);
  } catch {
    // Recorded by the caller from the missing final reply; the channel knows it is out of step.
  }
}
