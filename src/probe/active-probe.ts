import { classifyAddress, encodeEprt, encodeHostPort, isCompletion, isPreliminary, unmapIpv4 } from '../ftp/index.js';
import { asProbeError } from '../net/index.js';
import type { ActiveAttempt, ActiveOutcome, Protection, Reply } from '../observation/index.js';
import { isIP, type Socket } from 'node:net';
import { acceptOne, listenInRange } from './active-listener.js';
import type { ControlChannel } from './control-channel.js';
import { completeTransfer, sendListing } from './data-listing.js';
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
  opts: { extensions: boolean },
): Promise<ActiveAttempt> {
  const started = performance.now();
  const t = run.settings.stepTimeoutMs;
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
  const done = (outcome: ActiveOutcome): ActiveAttempt => {
    attempt.outcome = outcome;
    attempt.elapsedMs = elapsedSince(started);
    return attempt;
  };

  const listening = await listenInRange(localAddress, run.settings.activePorts);
  if ('error' in listening) {
    attempt.listen = { error: { code: 'E_LOCAL_RESOURCE', ...listening.error } };
    return done('listen-failed');
  }
  attempt.listen = { address: listening.address, port: listening.port };
  const { server } = listening;
  let inbound: Socket | undefined;
  let accept: ReturnType<typeof acceptOne> | undefined;
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
    attempt.portReply = await channel.send(`${command} ${argument}`, t, run.signal);
    if (attempt.portReply.code !== 200) {
      await recordServerReceived(run, channel, attempt, opts.extensions);
      return done('command-refused');
    }

    const waitStarted = performance.now();
    accept = acceptOne(server, t, run.signal);
    let first: Reply;
    try {
      const listing = await sendListing(run, channel, attempt.listReplies);
      attempt.listCommand = listing.command;
      first = listing.reply;
    } catch (err) {
      if (asProbeError(err).code !== 'E_TIMEOUT') throw err;
      // vsftpd and the reference server connect first and send 150 only once connected (though
      // RFC 959 §4.2 words 150 as "about to open"), so silence until our wait ends means the server
      // was still trying to reach us: its connection did not arrive, and its 425 comes later if ever.
      attempt.listCommand = attempt.listReplies.length === 0 ? 'LIST' : 'NLST';
      inbound = await accept.promise;
      attempt.inbound = arrival(inbound, waitStarted);
      return done(inbound ? 'error' : 'no-inbound');
    }
    if (!isPreliminary(first)) {
      accept.cancel();
      inbound = await accept.promise;
      attempt.inbound = arrival(inbound, waitStarted);
      await recordServerReceived(run, channel, attempt, opts.extensions);
      return done(first.code === 425 || first.code === 426 ? 'server-connect-failed' : 'command-refused');
    }
    inbound = await accept.promise;
    attempt.inbound = arrival(inbound, waitStarted);
    const refusedLocally = accept.failure();
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
      await readLateRefusal(run, channel, attempt);
      return done('error');
    }
    if (!inbound) {
      // The server said it is opening the connection; its 425 may follow, or never come.
      await readLateRefusal(run, channel, attempt);
      await recordServerReceived(run, channel, attempt, opts.extensions);
      return done(run.signal.aborted ? 'aborted' : 'no-inbound');
    }
    const data = await completeTransfer(run, channel, inbound, protection, undefined, attempt.listReplies);
    if (data.tls) attempt.tls = data.tls;
    if (data.transfer) attempt.transfer = data.transfer;
    await recordServerReceived(run, channel, attempt, opts.extensions);
    if (data.tls && !data.tls.ok) return done('tls-failed');
    const transfer = data.transfer;
    if (!transfer) return done('error');
    if (transfer.result === 'no-data' || transfer.result === 'stalled' || transfer.result === 'aborted')
      return done(transfer.result);
    if (isCompletion(data.final) && transfer.result === 'complete') return done('ok');
    if (data.final && (data.final.code === 425 || data.final.code === 426)) return done('server-connect-failed');
    return done('error');
  } catch (err) {
    const e = asProbeError(err);
    return done(e.code === 'E_ABORTED' ? 'aborted' : 'error');
  } finally {
    accept?.cancel();
    inbound?.destroy();
    server.close();
  }
}

function arrival(socket: Socket | undefined, waitStarted: number): ActiveAttempt['inbound'] {
  const waitedMs = elapsedSince(waitStarted);
  if (!socket) return { arrived: false, waitedMs };
  return {
    arrived: true,
    from: { address: unmapIpv4(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 },
    waitedMs,
  };
}

/** After 150 and no inbound connection: a server that gave up says so (425) soon; wait once, bounded. */
async function readLateRefusal(run: ProbeRun, channel: ControlChannel, attempt: ActiveAttempt): Promise<void> {
  try {
    attempt.listReplies.push(await channel.read(Math.min(run.settings.stepTimeoutMs, 2000), run.signal));
  } catch {
    // No reply: the channel is marked out of step and the engine starts a fresh session if needed.
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
