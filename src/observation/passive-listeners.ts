import type { PassiveAttempt } from './data.js';

/**
 * Advertised passive ports the server may still be listening on when the sweep runs: those whose
 * latest advertisement got no data connection. A server listens on an advertised port for one data
 * connection (RFC 959 §3.2; RFC 2428 §3) and closes it once that came, so a later reset from a port
 * we did reach is the plain "nothing listens here", not a firewall rejecting a live listener.
 * A reply we refused to use (port 0, a privileged port) advertises no listener of ours.
 */
export function portsStillListening(attempts: readonly PassiveAttempt[]): number[] {
  const reachedLast = new Map<number, boolean>();
  for (const a of attempts) {
    if (!a.advertised || a.parseError !== undefined) continue;
    reachedLast.set(
      a.advertised.port,
      a.connections.some((c) => c.connect.state === 'open'),
    );
  }
  return [...reachedLast]
    .filter(([, reached]) => !reached)
    .map(([port]) => port)
    .sort((x, y) => x - y);
}
