import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../lab-process.js';
import {
  CONTROL_PORT,
  PASSIVE_RANGE,
  SERVED_FILE,
  labAccount,
  makeConfigDir,
  makeContentDir,
  type ServerLauncher,
  type ServerOptions,
} from '../lab-server.js';
import { unpackedEnv, unpackedPath } from './unpacked.js';

export const PURE_FTPD_BINARY = 'usr/sbin/pure-ftpd';
const NOBODY = '65534';

/**
 * pure-ftpd 1.0.50 from Debian, configured on its command line (as its Debian wrapper would), with a
 * virtual account in a PureDB made by pure-pw. TLS optional (-Y 1); it has no switch to require
 * TLS session reuse on data connections.
 */
export function pureFtpdArgs(options: ServerOptions & { puredb: string }): string[] {
  return [
    // An empty host binds every address of both families; --ipv4only keeps it to IPv4.
    ...(options.dualStack === true
      ? ['--bind', `,${CONTROL_PORT}`]
      : ['--bind', `0.0.0.0,${CONTROL_PORT}`, '--ipv4only']),
    '--noanonymous',
    '--login',
    `puredb:${options.puredb}`,
    '--chrooteveryone',
    '--minuid',
    '1',
    '--dontresolve',
    '--passiveportrange',
    `${PASSIVE_RANGE[0]}:${PASSIVE_RANGE[1]}`,
    ...(options.pasvAddress === undefined ? [] : ['--forcepassiveip', options.pasvAddress]),
    '--tls',
    '1',
    '--certfile',
    `${options.tls.certFile},${options.tls.keyFile}`,
  ];
}

export const startPureFtpd: ServerLauncher = async (lab, options) => {
  if (options.requireTlsReuse === true) throw new Error('pure-ftpd cannot require TLS session reuse');
  const conf = makeConfigDir(lab, 'pure-ftpd');
  const home = makeContentDir(lab, 'pure-ftpd');
  const account = labAccount();
  const passwd = join(conf, 'pureftpd.passwd');
  const puredb = join(conf, 'pureftpd.pdb');
  // pure-pw would hash with argon2id (seconds per login on this machine); a SHA-512 crypt hash in the
  // same passwd format keeps each login fast, and pure-pw mkdb builds the PureDB from it.
  const hash = (await run(['openssl', 'passwd', '-6', '-stdin'], { input: `${account.password}\n` })).stdout.trim();
  writeFileSync(passwd, `${account.user}:${hash}:${NOBODY}:${NOBODY}::${home}/./::::::::::::\n`, { mode: 0o600 });
  await run([unpackedPath('usr/bin/pure-pw'), 'mkdb', puredb, '-f', passwd], { env: unpackedEnv });
  const proc = lab.start(
    'server',
    'pure-ftpd',
    [unpackedPath(PURE_FTPD_BINARY), ...pureFtpdArgs({ ...options, puredb })],
    unpackedEnv,
  );
  await lab.waitListening('server', CONTROL_PORT, 5_000, proc);
  return { kind: 'pure-ftpd', process: proc, account, file: SERVED_FILE, stop: () => proc.stop() };
};
