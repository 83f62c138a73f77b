/** How a TCP connect() ended (see connect-outcome.ts for the errno mapping). */
export type ConnectState =
  | 'open' // the three-way handshake completed
  | 'reset' // ECONNREFUSED: a RST (or ICMP port-unreachable) came back
  | 'icmp-reject' // EHOSTUNREACH / ENETUNREACH / EACCES / ENOPROTOOPT: an ICMP error other than port-unreachable
  | 'no-answer' // our timeout or ETIMEDOUT: nothing came back (a DROP somewhere)
  | 'local-error' // EMFILE, EADDRINUSE, EADDRNOTAVAIL, EINVAL…: this computer could not even try
  | 'aborted'; // the user or the overall deadline stopped it

export interface ConnectOutcome {
  state: ConnectState;
  address: string;
  port: number;
  /** errno name as Node reports it ("ECONNREFUSED"), absent on success and on our own timeout. */
  errno?: string;
  elapsedMs: number;
  /** The timeout this attempt used. */
  timeoutMs: number;
  /** Local end of the socket when it opened. */
  localAddress?: string;
  localPort?: number;
}
