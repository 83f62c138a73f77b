import { join } from 'node:path';
import { REPO_ROOT } from '../netns.js';
import {
  CONTROL_PORT,
  IMPLICIT_FTPS_PORT,
  PASSIVE_RANGE,
  SERVED_FILE,
  labAccount,
  makeContentDir,
  type LabAccount,
  type ServerLauncher,
  type ServerOptions,
} from '../lab-server.js';

export const CLI = join(REPO_ROOT, 'dist', 'cli.js');
export const PASSWORD_ENV = 'FTPDOCTOR_LAB_PASSWORD';

/** The reference server as a user runs it: the built CLI's `serve`, inside the server namespace. */
export function referenceArgs(options: ServerOptions & { root: string; user?: string }): string[] {
  return [
    'serve',
    '--host',
    options.dualStack === true ? '::' : '0.0.0.0',
    '--port',
    String(CONTROL_PORT),
    '--pasv-range',
    `${PASSIVE_RANGE[0]}-${PASSIVE_RANGE[1]}`,
    '--root',
    options.root,
    ...(options.user === undefined ? [] : ['--user', options.user, '--password-env', PASSWORD_ENV]),
    '--tls-cert',
    options.tls.certFile,
    '--tls-key',
    options.tls.keyFile,
    ...(options.pasvAddress === undefined ? [] : ['--pasv-address', options.pasvAddress]),
    ...(options.requireTlsReuse === true ? ['--require-tls-reuse'] : []),
    ...(options.sweepMode === true ? ['--sweep-mode'] : []),
    ...(options.implicitFtps === true ? ['--implicit-port', String(IMPLICIT_FTPS_PORT)] : []),
    ...(options.writable === true ? ['--writable'] : []),
  ];
}

export const startReference: ServerLauncher = async (lab, options) => {
  const account: LabAccount = options.anonymous === true ? { user: 'anonymous' } : labAccount();
  const root = makeContentDir(lab, 'reference');
  const args = referenceArgs({ ...options, root, ...(account.password === undefined ? {} : { user: account.user }) });
  const proc = lab.start('server', 'ftpdoctor serve', [process.execPath, CLI, ...args], {
    ...process.env,
    ...(account.password === undefined ? {} : { [PASSWORD_ENV]: account.password }),
  });
  await lab.waitListening('server', CONTROL_PORT, 10_000, proc);
  return { kind: 'reference', process: proc, account, file: SERVED_FILE, stop: () => proc.stop() };
};
