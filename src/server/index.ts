export { startServer, ServerStartError, type RunningServer } from './server.js';
export {
  resolveConfig,
  DEFAULT_LIMITS,
  DEFAULT_PASV_RANGE,
  type ServerConfig,
  type ServerLimits,
  type ServerOptions,
} from './config.js';
export { DEMO_README, DEMO_BINARY_BYTES, demoBinary, demoBinaryByte } from './demo-tree.js';
export { isPrivileged } from './config.js';
