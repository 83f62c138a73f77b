import { classifyAddress, encodeEprt, encodeHostPort, isCompletion, isPreliminary, unmapIpv4 } from '../ftp/index.js';
import { asProbeError } from '../net/index.js';
import type { ActiveAttempt, ActiveOutcome, Protection, Reply } from '../observation/index.js';
import { isIP } from 'node:net';
import { listenInRange, watchInbound, type InboundWatch } from './active-listener.js';
import type { ActivePortReserve } from './active-port-reserve.js';
import type { ControlChannel } from './control-channel.js';
import { dataConnectDeadline } from './data-deadline.js';
import { completeTransfer, transferEnding, protectDataSocket, sendListing } from './data-listing.js';
import { attemptEnder } from './attempt-end.js';
import { awaitLateReply } from './late-reply.js';
import { elapsedSince, type ProbeRun } from './probe-run.js';
import { parseLastReply } from './server-view.js';

/**
 * One active data probe (RFC 959 PORT / RFC 2428 EPRT): listen in the user's range, tell the
 * server where, ask for a listing, and wait (bounded) for the server to connect in.
 * A NOOP goes first: a NAT helper never parses the first line in a direction, so a PORT sent as
 * the first command after login could slip past the very ALG the probe wants to observe.
 */
export async function probeActive(
  run: ProbeRun,
  channel: ControlChannel,
  protection: Protection,
  opts: { extensions: boolean; reserve?: ActivePortReserve },
): Promise<ActiveAttempt> {
  const started = performance.now();
  const t = run.settings.stepTimeoutMs;
  const deadline = dataConnectDeadline(run);
  const localAddress = unmapIpv4(channel.local.address);
  const advertisedAddress = run.settings.externalIp ?? localAddress;
  const command = isIP(advertisedAddress) === 6 || run.settings.useEprt ? 'EPRT' : 'PORT';
  const attempt: ActiveAttempt = {
    command,
    protection,
    controlTls: channel.isTls,
    listen: { address: localAddress, port: 0 },
    listReplies: [],
    outcome: 'error',
    elapsedMs: 0,
  };
  const done = attemptEnder<ActiveOutcome, ActiveAttempt>(attempt, started);

  const listening = opts.reserve?.take(localAddress) ?? (await listenInRange(localAddress, run.settings.activePorts));
  if ('error' in listening) {
    attempt.listen = { error: { code: 'E_LOCAL_RESOURCE', ...listening.error } };
    return done('listen-failed');
  }
  attempt.listen = { address: listening.address, port: listening.port };
  const { server } = listening;
  const watch = watchInbound(server, run.signal);
  let pendingTls: ReturnType<typeof protectDataSocket> | undefined;
  let portSentAt = performance.now();
  let transferSentAt: number | undefined;
  const inboundRecord = (): ActiveAttempt['inbound'] => arrival(watch, portSentAt, transferSentAt);
  const recordLate = (sentAt: number): void =>
    awaitLateReply(run, channel, sentAt, (reply) => {
      attempt.lateReply = reply;
    });
  try {
    await channel.send('NOOP', t, run.signal);
    const argument =
      command === 'EPRT'
        ? encodeEprt({ address: advertisedAddress, port: listening.port })
        : encodeHostPort({ address: advertisedAddress, port: listening.port });
    attempt.advertised = {
      address: advertisedAddress,
      port: listening.port,
      addressClass: classifyAddress(advertisedAddress),
    };
    attempt.sentArgument = argument;
    portSentAt = performance.now();
    try {
      attempt.portReply = await sendAwaitingInbound(run, channel, `${command} ${argument}`, watch);
    } catch (err) {
      if (asProbeError(err).code !== 'E_TIMEOUT') throw err;
      // pyftpdlib connects while handling PORT and answers only once connected (or after its own
      // 30 s connect timeout, with 421): silence here means its connection did not arrive.
      attempt.inbound = inboundRecord();
      if (!watch.socket) recordLate(portSentAt);
      return done(watch.socket ? 'error' : 'no-inbound');
    }
    if (attempt.portReply.code !== 200) {
      if (watch.socket) attempt.inbound = inboundRecord();
      await recordServerReceived(run, channel, attempt, opts.extensions);
      // 425 (and pyftpdlib's 421 "Active data channel timed out.") to PORT itself: a server that
      // connects at PORT time tried and failed (RFC 959 §4.2: 425 "Can't open data connection").
      return done(PORT_CONNECT_FAILED.has(attempt.portReply.code) ? 'server-connect-failed' : 'command-refused');
    }

    let first: Reply;
    // A server that connected while handling PORT did so before its reply was written; one turn of
    // the event loop lets that accept, read in the same poll as the reply, be seen as such.
    await new Promise((resolve) => setImmediate(resolve));
    transferSentAt = performance.now();
    try {
      const listing = await sendListing(
        run,
        channel,
        attempt.listReplies,
        protection === 'private' ? { connection: watch.arrival } : undefined,
        (listCommand) => sendAwaitingInbound(run, channel, listCommand, watch),
      );
      attempt.listCommand = listing.command;
      first = listing.reply;
      pendingTls = listing.pendingTls;
    } catch (err) {
      if (asProbeError(err).code !== 'E_TIMEOUT') throw err;
      // vsftpd and the reference server connect first and send 150 only once connected (though
      // RFC 959 §4.2 words 150 as "about to open"), so silence past the data-connect deadline with
      // nothing arrived means the server was still trying to reach us: its 425 comes later if ever.
      attempt.listCommand = attempt.listReplies.length === 0 ? 'LIST' : 'NLST';
      attempt.inbound = inboundRecord();
      if (!watch.socket) recordLate(transferSentAt);
      return done(watch.socket ? 'error' : 'no-inbound');
    }
    if (!isPreliminary(first) && !isCompletion(first)) {
      attempt.inbound = inboundRecord();
      await recordServerReceived(run, channel, attempt, opts.extensions);
      return done(CONNECT_FAILED.has(first.code) ? 'server-connect-failed' : 'command-refused');
    }
    const inbound = await watch.wait(deadline);
    attempt.inbound = inboundRecord();
    const refusedLocally = watch.failure();
    if (!inbound && refusedLocally) {
      // This computer could not accept the server's connection (out of descriptors): not a firewall.
      attempt.transfer = {
        result: 'error',
        bytes: 0,
        totalMs: attempt.inbound?.waitedMs ?? 0,
        error: {
          code: 'E_LOCAL_RESOURCE',
          message: `could not accept the server's connection: ${refusedLocally.message}`,
          ...(refusedLocally.errno ? { errno: refusedLocally.errno } : {}),
        },
      };
      if (isPreliminary(first) && !(await readLateRefusal(run, channel, attempt))) recordLate(transferSentAt);
      return done('error');
    }
    if (!inbound) {
      // The server said it is opening the connection; its 425 may follow, or never come.
      if (isPreliminary(first) && !(await readLateRefusal(run, channel, attempt))) recordLate(transferSentAt);
      await recordServerReceived(run, channel, attempt, opts.extensions);
      return done(run.signal.aborted ? 'aborted' : 'no-inbound');
    }
    const data = await completeTransfer(run, channel, inbound, protection, attempt.listReplies, {
      ...(pendingTls ? { pendingTls } : {}),
      ...(isCompletion(first) ? { final: first } : {}),
    });
    if (data.tls) attempt.tls = data.tls;
    if (data.transfer) attempt.transfer = data.transfer;
    await recordServerReceived(run, channel, attempt, opts.extensions);
    const ending = transferEnding(data);
    if (ending) return done(ending);
    if (data.final && CONNECT_FAILED.has(data.final.code)) return done('server-connect-failed');
    return done('error');
  } catch (err) {
    const e = asProbeError(err);
    return done(e.code === 'E_ABORTED' ? 'aborted' : 'error');
  } finally {
    watch.stop();
    watch.socket?.destroy();
    void pendingTls?.then((secured) => secured.socket?.destroy());
    server.close();
  }
}

/** Replies that say the server could not make or keep the data connection (RFC 959 §4.2: 425, 426). */
const CONNECT_FAILED = new Set([425, 426]);

/** The same, answered to PORT/EPRT by a server that connects at PORT time; pyftpdlib says 421 on its timeout. */
const PORT_CONNECT_FAILED = new Set([421, 425]);

/** Whether and when the server's connection arrived, and whether before the transfer command went out. */
function arrival(
  watch: InboundWatch,
  portSentAt: number,
  transferSentAt: number | undefined,
): ActiveAttempt['inbound'] {
  const socket = watch.socket;
  if (!socket || watch.arrivedAt === undefined) return { arrived: false, waitedMs: elapsedSince(portSentAt) };
  return {
    arrived: true,
    from: { address: unmapIpv4(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 },
    waitedMs: Math.max(0, Math.round(watch.arrivedAt - portSentAt)),
    connectedAt: transferSentAt === undefined || watch.arrivedAt < transferSentAt ? 'port-command' : 'transfer-command',
  };
}

/**
 * A command whose reply a server may hold until its own connection to us is up (the transfer
 * command; PORT on a server that connects at PORT time). With nothing arrived by the data-connect
 * deadline the wait ends there (E_TIMEOUT, the channel out of step); once the server's connection
 * has arrived its reply is on the way, so the rest of the step timeout is waited for it.
 */
async function sendAwaitingInbound(
  run: ProbeRun,
  channel: ControlChannel,
  command: string,
  watch: InboundWatch,
): Promise<Reply> {
  const deadline = dataConnectDeadline(run);
  channel.write(command);
  try {
    return await channel.read(deadline, run.signal);
  } catch (err) {
    if (asProbeError(err).code !== 'E_TIMEOUT' || !watch.socket) throw err;
    const reply = await channel.read(Math.max(1, run.settings.stepTimeoutMs - deadline), run.signal);
    // The reply the wait was for has come: the channel is in step again.
    channel.desynced = false;
    return reply;
  }
}

/**
 * After 150 and no inbound connection: a server that gave up says so (425) soon; wait once, bounded.
 * False when no reply came: the channel is marked out of step (a fresh session follows if needed).
 */
async function readLateRefusal(run: ProbeRun, channel: ControlChannel, attempt: ActiveAttempt): Promise<boolean> {
  try {
    attempt.listReplies.push(await channel.read(dataConnectDeadline(run), run.signal));
    return true;
  } catch {
    return false;
  }
}

async function recordServerReceived(
  run: ProbeRun,
  channel: ControlChannel,
  attempt: ActiveAttempt,
  extensions: boolean,
): Promise<void> {
  if (!extensions || !channel.usable) return;
  const reply = await channel.send('SITE FTPDOCTOR LASTPORT', run.settings.stepTimeoutMs, run.signal);
  const received = parseLastReply(reply, 'LASTPORT');
  if (received !== undefined) attempt.serverReceived = received;
}
