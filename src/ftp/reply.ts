export interface Reply {
  code: number;
  /** Full text of the reply, all lines joined with "\n", capped (see truncated). */
  text: string;
  truncated?: boolean;
}

/** RFC 959 §4.2: the first digit says how the command fared. */
export function replyClass(reply: Reply): 'preliminary' | 'completion' | 'intermediate' | 'transient' | 'permanent' {
  const first = Math.floor(reply.code / 100);
  if (first === 1) return 'preliminary';
  if (first === 2) return 'completion';
  if (first === 3) return 'intermediate';
  return first === 4 ? 'transient' : 'permanent';
}

/**
 * 1yz: the action is starting; expect another reply. For a transfer command: 150 "File status okay;
 * about to open data connection", or 125 "Data connection already open; transfer starting"
 * (pyftpdlib's answer when it connected at PORT time, or when a passive connection is already up).
 */
export function isPreliminary(reply: Reply): boolean {
  return replyClass(reply) === 'preliminary';
}

/**
 * 2yz: the action completed. Some servers send a short listing's 226 in place of the 1yz that RFC 959
 * §4.2 lists first for LIST; the data is on the connection.
 */
export function isCompletion(reply: Reply | undefined): boolean {
  return reply !== undefined && replyClass(reply) === 'completion';
}

/** 1yz–3yz: accepted, so far. */
export function isPositive(reply: Reply | undefined): boolean {
  return reply !== undefined && reply.code >= 100 && reply.code < 400;
}

/** 4yz or 5yz: refused, for now or for good. */
export function isNegative(reply: Reply | undefined): boolean {
  return reply !== undefined && reply.code >= 400 && reply.code < 600;
}
