import type { ServerConfig } from './config.js';
import type { ListingCache } from './listing-cache.js';
import type { LoginThrottle } from './login-throttle.js';
import type { SweepListeners } from './sweep-listeners.js';
import type { TlsIdentity } from './tls-identity.js';
import type { VirtualFs } from './virtual-fs.js';

/** What every session of one running server shares. */
export interface ServerContext {
  config: ServerConfig;
  serverId: string;
  fs: VirtualFs;
  listings: ListingCache;
  tls: TlsIdentity;
  sweep: SweepListeners | undefined;
  throttle: LoginThrottle;
  /** undefined = silent; called as ctx.log?.(`...`) so that a silent server never builds the line. */
  log: ((line: string) => void) | undefined;
}
