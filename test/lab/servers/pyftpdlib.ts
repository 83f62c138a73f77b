import { fileURLToPath } from 'node:url';
import {
  CONTROL_PORT,
  PASSIVE_RANGE,
  SERVED_FILE,
  labAccount,
  makeContentDir,
  type ServerLauncher,
} from '../lab-server.js';

/** Debian's interpreter: python3-pyftpdlib installs into its dist-packages, not into any other python3 on PATH. */
export const DEBIAN_PYTHON = '/usr/bin/python3';
export const PYFTPDLIB_MODULE = '/usr/lib/python3/dist-packages/pyftpdlib/handlers.py';
export const PYFTPDLIB_LAUNCHER = fileURLToPath(new URL('./pyftpdlib-server.py', import.meta.url));

/**
 * pyftpdlib 1.5.7 (Debian python3-pyftpdlib) through the launcher script next to this file, which
 * uses only its documented API: TLS_FTPHandler with the lab certificate (python3-openssl),
 * passive_ports, masquerade_address for the public passive address, and permit_foreign_addresses
 * left at its default (False). It has no switch to require TLS session reuse on data connections.
 * In active mode it connects while handling PORT and answers the transfer command with 125.
 */
export const startPyftpdlib: ServerLauncher = async (lab, options) => {
  if (options.requireTlsReuse === true) throw new Error('pyftpdlib cannot require TLS session reuse');
  // pyftpdlib connects in active mode from an ephemeral port (ActiveDTP binds port 0), not from 20
  // like the other servers; Linux's default ephemeral range (32768-60999) overlaps the passive
  // range, so a scenario that drops the passive range would also drop the replies to some of its
  // active connections. A server admin keeps the two apart the same way.
  await lab.exec('server', ['sysctl', '-qw', `net.ipv4.ip_local_port_range=32768 ${PASSIVE_RANGE[0] - 1}`]);
  const root = makeContentDir(lab, 'pyftpdlib');
  const account = options.anonymous === true ? { user: 'anonymous' } : labAccount();
  const proc = lab.start(
    'server',
    'pyftpdlib',
    [
      DEBIAN_PYTHON,
      PYFTPDLIB_LAUNCHER,
      '--address',
      // '::' is one socket for both families (Linux: net.ipv6.bindv6only=0; pyftpdlib leaves IPV6_V6ONLY unset).
      options.dualStack === true ? '::' : '0.0.0.0',
      '--port',
      String(CONTROL_PORT),
      '--root',
      root,
      '--passive-range',
      `${PASSIVE_RANGE[0]}-${PASSIVE_RANGE[1]}`,
      ...(options.pasvAddress === undefined ? [] : ['--masquerade-address', options.pasvAddress]),
      ...('password' in account ? ['--user', account.user] : []),
      '--certfile',
      options.tls.certFile,
      '--keyfile',
      options.tls.keyFile,
      ...(options.requireTlsData === true ? ['--tls-data-required'] : []),
    ],
    // The password reaches the server through its environment, never its command line (ps shows argv).
    { PATH: process.env.PATH, ...('password' in account ? { FTP_PASSWORD: account.password } : {}) },
  );
  await lab.waitListening('server', CONTROL_PORT, 10_000, proc);
  return { kind: 'pyftpdlib', process: proc, account, file: SERVED_FILE, stop: () => proc.stop() };
};
