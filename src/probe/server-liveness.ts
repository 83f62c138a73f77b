import { connectTcp } from '../net/index.js';
import type { ControlChannel } from './control-channel.js';
import type { ProbeRun } from './probe-run.js';

/**
 * Did the server itself go away during the run? Its control connection closed and its control
 * port no longer accepts a connection. Then the resets seen after that (on data ports, on every
 * port of the sweep) are the dead server's, not a firewall's. A server that merely closed our
 * session still answers on its port. Returns the reason in words, or undefined while it lives.
 */
export async function serverGoneReason(
  run: ProbeRun,
  channel: ControlChannel | undefined,
): Promise<string | undefined> {
  const closed = channel ? channel.closedReason?.message : 'no control session was left open';
  if (closed === undefined || run.signal.aborted) return undefined;
  const probe = await connectTcp({
    address: run.address,
    port: run.settings.port,
    timeoutMs: run.settings.stepTimeoutMs,
    signal: run.signal,
  });
  probe.socket?.destroy();
  const { state, errno } = probe.outcome;
  if (state === 'open' || state === 'aborted') return undefined;
  return `the server went away during the check (${closed}; control port ${run.settings.port} now ${state}${errno ? ` ${errno}` : ''})`;
}
