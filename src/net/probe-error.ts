import type { ErrorCode } from '../observation/index.js';

/**
 * A failure of one probe step, with a stable code and the facts that explain it (address, port,
 * errno, elapsed ms). Steps catch it and copy code, message and errno into the observation log.
 */
export class ProbeError extends Error {
  readonly code: ErrorCode;
  readonly errno?: string;
  readonly facts: Record<string, string | number | undefined>;

  constructor(
    code: ErrorCode,
    message: string,
    facts: Record<string, string | number | undefined> = {},
    errno?: string,
  ) {
    super(message);
    this.name = 'ProbeError';
    this.code = code;
    this.errno = errno;
    this.facts = facts;
  }
}

/** Any thrown value as a ProbeError: socket errors keep their errno, everything else is E_PROTOCOL. */
export function asProbeError(err: unknown, fallback: ErrorCode = 'E_PROTOCOL'): ProbeError {
  if (err instanceof ProbeError) return err;
  const errno = errnoOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (errno === 'ECONNRESET' || errno === 'EPIPE') return new ProbeError('E_RESET', message, {}, errno);
  if (errno === 'ETIMEDOUT') return new ProbeError('E_TIMEOUT', message, {}, errno);
  return new ProbeError(fallback, message, {}, errno);
}

export function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
