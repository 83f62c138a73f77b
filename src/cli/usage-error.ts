/**
 * A mistake in how the program was called (a bad target, flags that exclude each other, a missing
 * password variable): reported as one line on stderr with exit code 2, never as a stack trace.
 */
export class UsageError extends Error {
  readonly code = 'E_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
