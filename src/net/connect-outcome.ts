import { type ConnectState, RESOURCE_ERRNOS } from '../observation/index.js';
import { MACOS_ERRNO, WINDOWS_ERRNO } from './connect-outcome-platforms.js';

/**
 * What a failed TCP connect() says about the path, from what Linux really returns (docs/measured-behaviour.md):
 * a firewall REJECT with tcp-reset or icmp-port-unreachable is indistinguishable from a closed port
 * (ECONNREFUSED); admin-prohibited and friends surface as EHOSTUNREACH/ENETUNREACH (IPv4) or EACCES
 * (IPv6 adm-prohibited); a DROP anywhere shows only as silence. Errors of this computer's own
 * resources are never a firewall.
 */
const BY_ERRNO: Readonly<Record<string, ConnectState>> = {
  ECONNREFUSED: 'reset',
  ECONNRESET: 'reset',
  EHOSTUNREACH: 'icmp-reject',
  ENETUNREACH: 'icmp-reject',
  EACCES: 'icmp-reject',
  ENOPROTOOPT: 'icmp-reject',
  EHOSTDOWN: 'icmp-reject',
  ETIMEDOUT: 'no-answer',
  ...Object.fromEntries([...RESOURCE_ERRNOS].map((errno) => [errno, 'local-error' as const])),
  EINVAL: 'local-error',
  EAFNOSUPPORT: 'local-error',
};

export interface ConnectFailure {
  /** errno name as Node reports it in err.code. */
  errno?: string;
  /** Our own timer fired before the kernel answered. */
  timedOut?: boolean;
  /** The run was stopped (signal or deadline). */
  aborted?: boolean;
}

/**
 * Classifies how a connect attempt failed. Accepts the thrown error itself (anything with a string
 * `code`) or the facts; an errno nobody listed is a local error, since it is not evidence of a firewall.
 * The same errno means different things per system: Windows and macOS have their own tables
 * (connect-outcome-platforms.ts); every other system reads the Linux one.
 */
export function classifyConnectError(err: unknown, platform: NodeJS.Platform = process.platform): ConnectState {
  if (typeof err !== 'object' || err === null) return 'local-error';
  const facts = err as ConnectFailure & { code?: unknown };
  if (facts.aborted === true) return 'aborted';
  if (facts.timedOut === true) return 'no-answer';
  const errno = typeof facts.errno === 'string' ? facts.errno : typeof facts.code === 'string' ? facts.code : undefined;
  if (errno === undefined) return 'local-error';
  if (platform === 'win32') return WINDOWS_ERRNO[errno]?.state ?? 'local-error';
  if (platform === 'darwin') return MACOS_ERRNO[errno]?.state ?? 'local-error';
  return BY_ERRNO[errno] ?? 'local-error';
}
