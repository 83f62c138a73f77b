import type { ConnectState } from '../observation/index.js';

/**
 * What a failed connect() means on Windows and macOS, where the same network gives other errors
 * than on Linux (whose table stays in connect-outcome.ts). Node reports libuv's error names;
 * each entry says which packets or local decisions lead to it and where that is written down.
 * Where a platform gives one name to two causes, `cause` names both: the state never claims more.
 */

export interface ErrnoMeaning {
  state: ConnectState;
  cause: string;
  source: string;
}

const LIBUV_WIN =
  'libuv src/win/winsock.c uv__ntstatus_to_winsock_error and src/win/error.c uv_translate_sys_error (libuv/libuv 6179e7a)';
const BSD_ICMP =
  'XNU bsd/netinet/tcp_subr.c tcp_ctlinput (icmp_may_rst, default 1: port/protocol unreachable, admin-prohibited drop a SYN_SENT connection) and BSD inetctlerrmap';

/** Windows through libuv: an NTSTATUS becomes a Winsock error, then a libuv error name. */
export const WINDOWS_ERRNO: Readonly<Record<string, ErrnoMeaning>> = {
  ECONNREFUSED: {
    state: 'reset',
    cause:
      'a TCP reset: nothing listens or a firewall rejects with a reset (Windows retries the SYN before it reports this, about 2 s; on loopback libuv turns the retries off)',
    source: `${LIBUV_WIN}: STATUS_CONNECTION_REFUSED, STATUS_REMOTE_NOT_LISTENING -> WSAECONNREFUSED -> ECONNREFUSED; src/win/tcp.c (TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS "instead of waiting for 2s")`,
  },
  ECONNRESET: {
    state: 'reset',
    cause:
      'a TCP reset, an ICMP port-unreachable, or an ICMP time-exceeded: Windows gives the three one name, so they cannot be told apart',
    source: `${LIBUV_WIN}: STATUS_CONNECTION_RESET, STATUS_PORT_UNREACHABLE, STATUS_HOPLIMIT_EXCEEDED -> WSAECONNRESET -> ECONNRESET`,
  },
  EACCES: {
    state: 'local-error',
    cause:
      'this computer refused to send: a Windows Filtering Platform rule (Windows Firewall or another security product) blocked the connection locally; no packet left, so it is never an ICMP reject',
    source: `${LIBUV_WIN}: STATUS_ACCESS_DENIED -> WSAEACCES -> EACCES; Microsoft Learn, Application Layer Enforcement: WFP's ALE layers "authorize inbound and outbound connection creation"; that a Windows Firewall block there surfaces as this error is the issue's measurement on Windows, not re-checked here`,
  },
  EHOSTUNREACH: {
    state: 'icmp-reject',
    cause: 'an ICMP host-unreachable, or no route to the host',
    source: `${LIBUV_WIN}: STATUS_HOST_UNREACHABLE -> WSAEHOSTUNREACH -> EHOSTUNREACH`,
  },
  ENETUNREACH: {
    state: 'icmp-reject',
    cause: 'an ICMP network- or protocol-unreachable, or no route to the network',
    source: `${LIBUV_WIN}: STATUS_NETWORK_UNREACHABLE, STATUS_PROTOCOL_UNREACHABLE, STATUS_BAD_NETWORK_PATH -> WSAENETUNREACH -> ENETUNREACH`,
  },
  ETIMEDOUT: {
    state: 'no-answer',
    cause: 'Windows gave up retransmitting the SYN: nothing came back (a DROP somewhere)',
    source: `${LIBUV_WIN}: STATUS_IO_TIMEOUT, STATUS_TIMEOUT, STATUS_LINK_TIMEOUT -> WSAETIMEDOUT -> ETIMEDOUT`,
  },
  ECONNABORTED: {
    state: 'local-error',
    cause: 'this computer aborted the connection',
    source: `${LIBUV_WIN}: STATUS_CONNECTION_ABORTED, STATUS_LOCAL_DISCONNECT -> WSAECONNABORTED -> ECONNABORTED`,
  },
  EINVAL: {
    state: 'local-error',
    cause: 'an NTSTATUS libuv has no name for (its fallback), or a bad argument: not evidence of a firewall',
    source: `${LIBUV_WIN}: default -> WSAEINVAL -> EINVAL`,
  },
  EADDRINUSE: {
    state: 'local-error',
    cause: 'the local address or port is taken',
    source: `${LIBUV_WIN}: WSAEADDRINUSE`,
  },
  EADDRNOTAVAIL: { state: 'local-error', cause: 'no such local address', source: `${LIBUV_WIN}: WSAEADDRNOTAVAIL` },
  EMFILE: { state: 'local-error', cause: 'no socket handles left', source: `${LIBUV_WIN}: WSAEMFILE` },
  ENOBUFS: {
    state: 'local-error',
    cause: 'no buffer space or memory',
    source: `${LIBUV_WIN}: STATUS_INSUFFICIENT_RESOURCES… -> WSAENOBUFS`,
  },
  ENETDOWN: {
    state: 'local-error',
    cause: 'the network stack or interface is down',
    source: `${LIBUV_WIN}: STATUS_UNEXPECTED_NETWORK_ERROR… -> WSAENETDOWN`,
  },
};

/** macOS: BSD sockets, errno names as the kernel sets them (libuv passes them through). */
export const MACOS_ERRNO: Readonly<Record<string, ErrnoMeaning>> = {
  ECONNREFUSED: {
    state: 'reset',
    cause:
      'a TCP reset, or an ICMP port- or protocol-unreachable: macOS gives them one name, so a closed port, a reset rule and an ICMP port-unreachable reject cannot be told apart',
    source: `${BSD_ICMP}: PRC_UNREACH_PORT, PRC_UNREACH_PROTOCOL -> ECONNREFUSED`,
  },
  ECONNRESET: { state: 'reset', cause: 'a TCP reset', source: 'BSD tcp_input: RST in SYN_SENT' },
  EHOSTUNREACH: {
    state: 'icmp-reject',
    cause:
      'an ICMP host- or network-unreachable or admin-prohibited, or no route: host and network unreachable arrive only after several SYN retries (a soft error)',
    source: `${BSD_ICMP}: PRC_UNREACH_NET, PRC_UNREACH_HOST, PRC_UNREACH_ADMIN_PROHIB -> EHOSTUNREACH; tcp_notify keeps a soft error until the retransmissions give up`,
  },
  ENETUNREACH: { state: 'icmp-reject', cause: 'no route to the network', source: 'BSD ip_output: no route' },
  EHOSTDOWN: {
    state: 'icmp-reject',
    cause: 'the host is down (no ARP/ND answer)',
    source: 'BSD inetctlerrmap: PRC_HOSTDEAD -> EHOSTDOWN',
  },
  ENOPROTOOPT: {
    state: 'icmp-reject',
    cause: 'an ICMP parameter problem',
    source: 'BSD inetctlerrmap: PRC_PARAMPROB -> ENOPROTOOPT',
  },
  ETIMEDOUT: {
    state: 'no-answer',
    cause: 'macOS gave up retransmitting the SYN: nothing came back (a DROP somewhere)',
    source: 'BSD tcp_timer: retransmissions exhausted',
  },
  EACCES: {
    state: 'local-error',
    cause: 'this computer refused to send (a local policy or content filter); not an ICMP reject',
    source: 'BSD connect(2): EACCES is a local permission error',
  },
  EPERM: {
    state: 'local-error',
    cause: 'this computer refused to send (a local policy or network extension); not an ICMP reject',
    source: 'BSD connect(2)',
  },
  EADDRINUSE: { state: 'local-error', cause: 'the local address or port is taken', source: 'connect(2)' },
  EADDRNOTAVAIL: { state: 'local-error', cause: 'no such local address, or no free local port', source: 'connect(2)' },
  EMFILE: { state: 'local-error', cause: 'no descriptors left in the process', source: 'socket(2)' },
  ENFILE: { state: 'local-error', cause: 'no descriptors left in the system', source: 'socket(2)' },
  ENOBUFS: { state: 'local-error', cause: 'no buffer space', source: 'socket(2)' },
  EINVAL: { state: 'local-error', cause: 'a bad argument', source: 'connect(2)' },
};
