import type { LateReply } from '../observation/index.js';
import type { ControlChannel } from './control-channel.js';
import type { ProbeRun } from './probe-run.js';

/**
 * At most this many sessions are kept open for a late reply at once: each is a login the server
 * counts against its per-address limit (vsftpd max_per_ip, proftpd MaxClientsPerHost), and the data
 * probes still need sessions of their own.
 */
export const MAX_WAITING_SESSIONS = 2;

/** The sessions each run keeps open for a late reply. */
const waiting = new WeakMap<ProbeRun, Set<ControlChannel>>();

/**
 * Keeps listening on a session whose reply the probe stopped waiting for at the data-connect
 * deadline (the "move on without waiting for the server's long connect timeout, but record
 * its late reply when it comes before the end"). The session is out of step and never carries
 * another command; ControlSessions leaves it open when it replaces it (awaitsLateReply) and closes
 * it at the end of the check, which ends this wait too. The reply goes into the transcript as it
 * arrives (the channel writes every reply there) and onto the attempt through `record`.
 */
export function awaitLateReply(
  run: ProbeRun,
  channel: ControlChannel,
  sentAt: number,
  record: (reply: LateReply) => void,
): void {
  const open = waiting.get(run) ?? new Set<ControlChannel>();
  if (open.size >= MAX_WAITING_SESSIONS || run.signal.aborted || channel.closedReason) return;
  waiting.set(run, open.add(channel));
  channel
    .read(run.settings.timeoutMs, run.signal)
    .then((reply) => {
      const afterMs = Math.round(performance.now() - sentAt);
      record({ code: reply.code, text: reply.text, afterMs });
      run.transcript.note(
        `late reply ${reply.code}, ${afterMs} ms after the command it answers; recorded on its attempt`,
        channel.session,
      );
    })
    .catch(() => undefined)
    .finally(() => {
      open.delete(channel);
      channel.close();
    });
}

/** The session still waits for a late reply: replacing it must not close it. */
export function awaitsLateReply(run: ProbeRun, channel: ControlChannel): boolean {
  return waiting.get(run)?.has(channel) === true;
}

/**
 * Gives up every late-reply wait of the run: a server that refused a session the check needs may be
 * counting these against its limit. True when there was one.
 */
export function stopAwaitingLateReplies(run: ProbeRun): boolean {
  const open = [...(waiting.get(run) ?? [])];
  for (const channel of open) channel.close();
  return open.length > 0;
}
