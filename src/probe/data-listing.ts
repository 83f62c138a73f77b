import type { DataTls, DataTransfer, Protection, Reply } from '../observation/index.js';
import type { Socket } from 'node:net';
import type { ControlChannel } from './control-channel.js';
import { readToEnd, secureDataConnection } from './data-transfer.js';
import type { ProbeRun } from './probe-run.js';
import { tlsOptions } from './control-session.js';

/** Replies meaning "this command is not implemented" (RFC 959 §4.2): worth trying NLST instead of LIST. */
const NOT_IMPLEMENTED = new Set([500, 502, 504]);

/** Sends LIST, or NLST when LIST is not implemented; returns the command used and its first reply. */
export async function sendListing(
  run: ProbeRun,
  channel: ControlChannel,
  replies: Reply[],
): Promise<{ command: 'LIST' | 'NLST'; reply: Reply }> {
  const t = run.settings.stepTimeoutMs;
  const reply = await channel.send('LIST', t, run.signal);
  replies.push(reply);
  if (!NOT_IMPLEMENTED.has(reply.code)) return { command: 'LIST', reply };
  const nlst = await channel.send('NLST', t, run.signal);
  replies.push(nlst);
  return { command: 'NLST', reply: nlst };
}

/** TLS for a protected data connection, resuming the control session. */
export function protectDataSocket(
  run: ProbeRun,
  channel: ControlChannel,
  socket: Socket,
): ReturnType<typeof secureDataConnection> {
  const session =
    channel.tlsSession ?? (channel.isTls && 'getSession' in channel.socket ? channel.socket.getSession() : undefined);
  return secureDataConnection(socket, {
    session,
    servername: tlsOptions(run.settings.host).servername,
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
 * After the server said 1xx: (TLS, then) read the listing to its end and wait for the final reply.
 * `pendingTls` is the handshake already started (passive starts it as soon as TCP connects).
 */
export async function completeTransfer(
  run: ProbeRun,
  channel: ControlChannel,
  socket: Socket,
  protection: Protection,
  pendingTls: ReturnType<typeof secureDataConnection> | undefined,
  replies: Reply[],
): Promise<DataResult> {
  const t = run.settings.stepTimeoutMs;
  const result: DataResult = {};
  let stream: Socket = socket;
  if (protection === 'private') {
    const secured = await (pendingTls ?? protectDataSocket(run, channel, socket));
    result.tls = secured.record;
    if (!secured.socket) {
      socket.destroy();
      await readFinal(run, channel, replies, result);
      return result;
    }
    stream = secured.socket;
  }
  result.transfer = await readToEnd(stream, { idleMs: t, maxMs: t * 4, signal: run.signal });
  stream.destroy();
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
