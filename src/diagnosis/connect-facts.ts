import { endpoint } from '../ftp/index.js';
import type { ConnectOutcome, ConnectState, Reply } from '../observation/index.js';
import type { BlockKind } from './finding.js';

/**
 * Connect outcomes told in words, and what each says about a firewall (docs/measured-behaviour.md): silence is a
 * DROP, an ICMP error other than port-unreachable is a REJECT with that ICMP type, and a reset is
 * only a firewall when something was listening on that port (see blockKindOfConnect).
 */

/** "203.0.113.10:21", "[2001:db8::1]:21". */
export function describeConnect(c: ConnectOutcome): string {
  const to = `connect to ${endpoint(c.address, c.port)}`;
  const errno = c.errno ? ` (${c.errno})` : '';
  switch (c.state) {
    case 'open':
      return `${to} opened in ${c.elapsedMs} ms`;
    case 'reset':
      return `${to} was refused with a reset${errno} after ${c.elapsedMs} ms`;
    case 'icmp-reject':
      return `${to} was rejected with an ICMP error${errno} after ${c.elapsedMs} ms`;
    case 'no-answer':
      return `${to} got no answer within ${c.timeoutMs} ms${errno}`;
    case 'local-error':
      return `${to} failed on this computer${errno} after ${c.elapsedMs} ms`;
    case 'aborted':
      return `${to} was interrupted after ${c.elapsedMs} ms`;
  }
}

/**
 * How a connection was blocked. `listening` says whether the server was known to listen on that
 * port (it had just advertised it, or owns it in sweep mode): only then is a reset a firewall.
 */
export function blockKindOfConnect(state: ConnectState, listening: boolean): BlockKind | undefined {
  if (state === 'no-answer') return 'drop';
  if (state === 'icmp-reject') return 'icmp-reject';
  if (state === 'reset') return listening ? 'reset' : undefined;
  return undefined;
}

/** The way a rule treats a connection, for the inferred-rule sentence. */
export function blockVerb(how: BlockKind | undefined): string {
  switch (how) {
    case 'drop':
      return 'is silently dropped';
    case 'icmp-reject':
      return 'is rejected with an ICMP error';
    case 'rate-limited-reject':
      return 'is rejected with ICMP errors (rate-limited by the kernel, so most attempts look dropped)';
    case 'reset':
      return 'is rejected with a TCP reset';
    default:
      return 'does not get through';
  }
}

export function describeReply(r: Reply): string {
  const first = r.text.split('\n')[0] ?? '';
  return first.startsWith(String(r.code)) ? first : `${r.code} ${first}`;
}
