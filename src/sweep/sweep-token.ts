/**
 * The reference server's sweep token: in sweep mode it listens on every port of its passive range
 * and greets each connection that is not an expected data connection with one line
 * "FTPDOCTOR <serverId> <port> <peer-address>\r\n". A connection that completes but does not carry
 * the right token was answered by something else — a transparent proxy, a NAT redirect, a middlebox
 * that accepts SYNs on the server's behalf.
 */

/** Longest token line we wait for; anything longer is not our server. */
export const TOKEN_MAX_BYTES = 256;

export interface SweepToken {
  serverId: string;
  port: number;
  peerAddress: string;
}

export type TokenCheck =
  | { ok: true; token: SweepToken }
  | { ok: false; reason: 'no-token' | 'not-a-token' | 'wrong-server' | 'wrong-port'; got: string };

const LINE = /^FTPDOCTOR (\S+) (\d{1,5}) (\S+)$/;

/** Checks what a connection sent before it closed or the token wait ended. */
export function checkToken(received: string, expected: { serverId: string; port: number }): TokenCheck {
  const end = received.indexOf('\r\n');
  const line = end === -1 ? received : received.slice(0, end);
  const got = printable(line);
  if (received.length === 0) return { ok: false, reason: 'no-token', got };
  const m = end === -1 ? null : LINE.exec(line);
  if (!m) return { ok: false, reason: 'not-a-token', got };
  const token: SweepToken = { serverId: m[1]!, port: Number(m[2]), peerAddress: m[3]! };
  if (token.serverId !== expected.serverId) return { ok: false, reason: 'wrong-server', got };
  if (token.port !== expected.port) return { ok: false, reason: 'wrong-port', got };
  return { ok: true, token };
}

/** True once `received` holds a full line or more than a token can be: no point reading further. */
export function tokenComplete(received: string): boolean {
  return received.includes('\r\n') || received.length >= TOKEN_MAX_BYTES;
}

function printable(text: string): string {
  return text.slice(0, 80).replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
