import {
  type Decoded,
  type HostPort,
  classifyAddress,
  decodeEpsvReply,
  decodePasvReply,
  isCompletion,
  isNegative,
  isPreliminary,
  sameAddress,
} from '../ftp/index.js';
import { asProbeError, connectTcp } from '../net/index.js';
import type { DataConnectAttempt, PassiveAttempt, PassiveOutcome, Protection } from '../observation/index.js';
import type { ControlChannel } from './control-channel.js';
import { sweptPortDeadline } from './data-deadline.js';
import { completeTransfer, transferEnding, sendListing } from './data-listing.js';
import { attemptEnder } from './attempt-end.js';
import type { ProbeRun } from './probe-run.js';
import { parseLastReply } from './server-view.js';

/**
 * One passive data probe (RFC 959 PASV / RFC 2428 EPSV): ask, parse, connect, list to the end.
 * Network safety: the advertised address is connected to only when it is the control peer or the
 * user asked for it (followPasvAddress); otherwise the probe connects to the control peer, as curl
 * and FileZilla do, and records that the advertised address was skipped.
 */
export async function probePassive(
  run: ProbeRun,
  channel: ControlChannel,
  command: 'PASV' | 'EPSV',
  protection: Protection,
  opts: {
    extensions: boolean;
    purpose: 'probe' | 'sample';
    resumeTls?: boolean;
  },
): Promise<PassiveAttempt> {
  const started = performance.now();
  const t = run.settings.stepTimeoutMs;
  const attempt: PassiveAttempt = {
    command,
    protection,
    controlTls: channel.isTls,
    purpose: opts.purpose,
    controlPeer: channel.peer.address,
    connections: [],
    listReplies: [],
    outcome: 'error',
    elapsedMs: 0,
  };
  const done = attemptEnder<PassiveOutcome, PassiveAttempt>(attempt, started);
  try {
    const reply = await channel.send(command, t, run.signal);
    attempt.reply = reply;
    if (reply.code !== (command === 'PASV' ? 227 : 229)) return done('command-refused');
    const decoded = command === 'PASV' ? decodePasvReply(reply.text) : epsvAtPeer(reply.text, channel.peer.address);
    if (!decoded.ok) {
      attempt.parseError = decoded.reason;
      return done('bad-reply');
    }
    const advertised = decoded.value;
    attempt.advertised = { ...advertised, addressClass: classifyAddress(advertised.address) };
    const unusable = unusableDataPort(advertised.port);
    if (unusable) {
      // Connecting would only produce a refusal that looks like a firewall, or reach another service.
      attempt.parseError = unusable;
      return done('bad-reply');
    }

    const targets: Array<{ via: DataConnectAttempt['via']; address: string }> = [];
    if (sameAddress(advertised.address, channel.peer.address)) {
      targets.push({ via: 'advertised', address: advertised.address });
    } else {
      if (run.settings.followPasvAddress) targets.push({ via: 'advertised', address: advertised.address });
      else
        attempt.advertisedSkipped = `${advertised.address} is not the control peer ${channel.peer.address}; not connecting to a third host unless asked (followPasvAddress)`;
      targets.push({ via: 'control-peer', address: channel.peer.address });
    }

    let connection: DataConnectAttempt | undefined;
    let socket;
    for (const target of targets) {
      const result = await connectTcp({
        address: target.address,
        port: advertised.port,
        timeoutMs: sweptPortDeadline(run, target.address, advertised.port),
        signal: run.signal,
      });
      const record: DataConnectAttempt = { via: target.via, connect: result.outcome };
      attempt.connections.push(record);
      if (result.socket) {
        connection = record;
        socket = result.socket;
        break;
      }
      if (result.outcome.state === 'aborted') return done('aborted');
    }
    if (!connection || !socket) return done('connect-failed');

    let first;
    let pendingTls;
    try {
      const listing = await sendListing(
        run,
        channel,
        attempt.listReplies,
        protection === 'private' ? { connection: Promise.resolve(socket), resume: opts.resumeTls ?? true } : undefined,
      );
      attempt.listCommand = listing.command;
      first = listing.reply;
      pendingTls = listing.pendingTls;
    } catch (err) {
      socket.destroy();
      throw err;
    }
    if (!isPreliminary(first) && !isCompletion(first)) {
      socket.destroy();
      const tls = await pendingTls;
      if (tls) connection.tls = tls.record;
      tls?.socket?.destroy();
      return done('transfer-refused');
    }
    const data = await completeTransfer(run, channel, socket, protection, attempt.listReplies, {
      ...(pendingTls ? { pendingTls } : {}),
      ...(isCompletion(first) ? { final: first } : {}),
      resume: opts.resumeTls ?? true,
    });
    if (data.tls) connection.tls = data.tls;
    if (data.transfer) connection.transfer = data.transfer;
    if (opts.extensions && channel.usable) await recordServerSent(run, channel, attempt);
    const ending = transferEnding(data);
    if (ending) return done(ending);
    if (isNegative(data.final)) return done('transfer-refused');
    return done('error');
  } catch (err) {
    const e = asProbeError(err);
    return done(e.code === 'E_ABORTED' ? 'aborted' : 'error');
  }
}

/**
 * Ports a passive data connection is never made to: 0 cannot be connected to, and a privileged port
 * (below 1024) is where a bounce sends a client at another service (RFC 2577 §3 asks servers to
 * refuse PORT to one for the same reason); no FTP server hands those out for data.
 */
function unusableDataPort(port: number): string | undefined {
  if (port === 0) return 'the reply names port 0, which nothing can listen on';
  if (port < 1024)
    return `the reply names privileged port ${port}, where no FTP server listens for data (RFC 2577 §3); not connecting`;
  return undefined;
}

/** RFC 2428 §3: a 229 names only the port; the address is the control connection's peer. */
function epsvAtPeer(text: string, peer: string): Decoded<HostPort> {
  const epsv = decodeEpsvReply(text);
  return epsv.ok ? { ok: true, value: { address: peer, port: epsv.value.port } } : epsv;
}

async function recordServerSent(run: ProbeRun, channel: ControlChannel, attempt: PassiveAttempt): Promise<void> {
  const reply = await channel.send('SITE FTPDOCTOR LASTPASV', run.settings.stepTimeoutMs, run.signal);
  const sent = parseLastReply(reply, 'LASTPASV');
  if (sent !== undefined) attempt.serverSent = sent;
}
