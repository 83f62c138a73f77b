import type { ServerLimits } from './config.js';

/** Counts open sessions overall and per client address; the caller answers 421 when admit() says no. */
export class SessionLimits {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  constructor(private readonly limits: Pick<ServerLimits, 'maxSessions' | 'maxSessionsPerIp'>) {}

  /** A reason to refuse, or undefined after counting the session in. */
  admit(address: string): string | undefined {
    if (this.total >= this.limits.maxSessions)
      return `Too many sessions (limit ${this.limits.maxSessions}); try again later.`;
    const mine = this.perIp.get(address) ?? 0;
    if (mine >= this.limits.maxSessionsPerIp) {
      return `Too many sessions from ${address} (limit ${this.limits.maxSessionsPerIp}); try again later.`;
    }
    this.total++;
    this.perIp.set(address, mine + 1);
    return undefined;
  }

  release(address: string): void {
    this.total--;
    const mine = (this.perIp.get(address) ?? 1) - 1;
    if (mine <= 0) this.perIp.delete(address);
    else this.perIp.set(address, mine);
  }
}
