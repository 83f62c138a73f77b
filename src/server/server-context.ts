import type { ServerConfig } from './config.js';
import type { LoginThrottle } from './login-throttle.js';
import type { SweepListeners } from './sweep-listeners.js';
import type { TlsIdentity } from './tls-identity.js';
import type { VirtualFs } from './virtual-fs.js';

/** What every session of one running server shares. */
export interface ServerContext {
  config: ServerConfig;
  serverId: string;
  fs: VirtualFs;
  tls: TlsIdentity;
  sweep: SweepListeners | undefined;
  throttle: LoginThrottle;
  log(line: string): void;
}
