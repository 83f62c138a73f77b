import { type Reply, decodeEpsvReply, decodePasvReply, isCompletion, isPreliminary } from '../ftp/index.js';
import { asProbeError, connectTcp } from '../net/index.js';
import type { DataTransfer, TransferOutcome, TransferTrial } from '../observation/index.js';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ControlChannel } from './control-channel.js';
import { protectDataSocket } from './data-listing.js';
import { elapsedSince, type ProbeRun } from './probe-run.js';

/**
 * The part every transfer trial shares: PASV/EPSV, a data connection to the control peer (never to
 * another address a 227 names: the passive probe already reports that, and a transfer goes where
 * curl and FileZilla go by default), the RETR/STOR (or LIST) command, TLS under PROT P, and the final reply.
 * `move` does the direction's own work on the data stream.
 */
export async function runTransferTrial(
  run: ProbeRun,
  channel: ControlChannel,
  trial: Omit<TransferTrial, 'outcome' | 'elapsedMs'>,
  move: (stream: Socket | TLSSocket) => Promise<{ transfer: DataTransfer; finalWaitMs: number }>,
  command = `${trial.direction === 'download' ? 'RETR' : 'STOR'} ${trial.path}`,
): Promise<TransferTrial> {
  const started = performance.now();
  const t = run.settings.stepTimeoutMs;
  const record: TransferTrial = { ...trial, outcome: 'error', elapsedMs: 0 };
  const done = (outcome: TransferOutcome): TransferTrial => {
    record.outcome = outcome;
    record.elapsedMs = elapsedSince(started);
    return record;
  };
  let socket: Socket | TLSSocket | undefined;
  try {
    const pasv = await channel.send(trial.command, t, run.signal);
    const port = advertisedPort(trial.command, pasv);
    if (port === undefined) {
      record.reply = pasv;
      return done('refused');
    }
    const connected = await connectTcp({ address: channel.peer.address, port, timeoutMs: t, signal: run.signal });
    record.connect = connected.outcome;
    if (!connected.socket) return done(connected.outcome.state === 'aborted' ? 'aborted' : 'connect-failed');
    socket = connected.socket;
    const first = await channel.send(command, t, run.signal);
    record.reply = first;
    if (!isPreliminary(first) && !isCompletion(first)) return done('refused');
    if (trial.protection === 'private') {
      const secured = await protectDataSocket(run, channel, socket);
      record.tls = secured.record;
      if (!secured.socket) return done('tls-failed');
      socket = secured.socket;
    }
    const moveStarted = performance.now();
    const moved = await move(socket);
    socket.destroy();
    record.transfer = moved.transfer;
    if (moved.transfer.result !== 'complete') {
      // The server still believes the transfer runs: its final reply would come at an unknown time.
      channel.desynced = true;
      return done(outcomeOf(moved.transfer.result));
    }
    record.final = isCompletion(first) ? first : await channel.read(moved.finalWaitMs, run.signal);
    if (!isCompletion(record.final)) return done('refused');
    // Until the final reply: an upload's last byte leaves this process long before it reaches the server.
    record.throughputBps = Math.round((moved.transfer.bytes * 1000) / Math.max(1, elapsedSince(moveStarted)));
    return done('ok');
  } catch (err) {
    const e = asProbeError(err);
    if (e.code === 'E_ABORTED') return done('aborted');
    // No final reply after the last byte left: the end of the data never reached the server.
    return done(e.code === 'E_TIMEOUT' && record.transfer?.result === 'complete' ? 'stalled' : 'error');
  } finally {
    socket?.destroy();
  }
}

function advertisedPort(command: 'PASV' | 'EPSV', reply: Reply): number | undefined {
  if (reply.code !== (command === 'PASV' ? 227 : 229)) return undefined;
  const decoded = command === 'PASV' ? decodePasvReply(reply.text) : decodeEpsvReply(reply.text);
  // A privileged port is never a data port (RFC 2577 §3; see passive-probe.ts).
  return decoded.ok && decoded.value.port >= 1024 ? decoded.value.port : undefined;
}

/** What the data connection's end says about the transfer. */
function outcomeOf(result: DataTransfer['result']): TransferOutcome {
  if (result === 'complete') return 'ok';
  if (result === 'tls-failed') return 'tls-failed';
  return result;
}
