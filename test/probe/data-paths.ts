import type { ActiveAttempt, PassiveAttempt } from '../../src/observation/index.js';

/** One data attempt as "COMMAND/protection/tls|plain:outcome", tls|plain naming the control session it ran on. */
export function dataPath(a: PassiveAttempt | ActiveAttempt): string {
  return `${a.command}/${a.protection}/${a.controlTls ? 'tls' : 'plain'}:${a.outcome}`;
}

/**
 * A server with every data path open, probed with tls 'auto': private then clear data under the TLS
 * control session (RFC 4217 §9), then clear data on a plain-text one, which is all an FTP ALG can read.
 */
export const EVERY_PATH_OPEN_UNDER_TLS_AUTO = {
  passive: [
    'PASV/private/tls:ok',
    'EPSV/private/tls:ok',
    'PASV/clear/tls:ok',
    'EPSV/clear/tls:ok',
    'PASV/clear/plain:ok',
    'EPSV/clear/plain:ok',
  ],
  active: ['PORT/private/tls:ok', 'PORT/clear/tls:ok', 'PORT/clear/plain:ok'],
};
