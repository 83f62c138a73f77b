import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type LabProcess } from '../lab-process.js';
import {
  CONTROL_PORT,
  IMPLICIT_FTPS_PORT,
  PASSIVE_RANGE,
  SERVED_FILE,
  labAccount,
  makeConfigDir,
  makeContentDir,
  type ServerLauncher,
  type ServerOptions,
} from '../lab-server.js';
import { unpackedEnv, unpackedPath } from './unpacked.js';

export const PROFTPD_BINARY = 'usr/sbin/proftpd';
const NOBODY = 65534;

/**
 * proftpd 1.3.8 from Debian, with a virtual account in its own AuthUserFile (no system user) and
 * mod_tls from proftpd-mod-crypto. mod_tls requires TLS session reuse on data connections unless
 * NoSessionReuseRequired is set.
 */
export function proftpdConfig(
  options: ServerOptions & { conf: string; userFile: string; groupFile: string; implicitInstance?: boolean },
): string {
  const { conf } = options;
  // Implicit FTPS runs as an instance of its own on 990 (mod_tls TLSOptions UseImplicitSSL), as vsftpd's does.
  const instance = options.implicitInstance === true ? 'proftpd-implicit' : 'proftpd';
  const tlsOptions = [
    ...(options.implicitInstance === true ? ['UseImplicitSSL'] : []),
    ...(options.requireTlsReuse === true ? [] : ['NoSessionReuseRequired']),
  ];
  return `ServerType standalone
ServerName "ftpdoctor lab proftpd"
ServerIdent on "ftpdoctor lab proftpd"
DefaultServer on
Port ${options.implicitInstance === true ? IMPLICIT_FTPS_PORT : CONTROL_PORT}
UseIPv6 ${options.dualStack === true ? 'on' : 'off'}
User nobody
Group nogroup
PidFile ${join(conf, `${instance}.pid`)}
ScoreboardFile ${join(conf, `${instance}.scoreboard`)}
DelayTable ${join(conf, `${instance}.delay`)}
SystemLog ${join(conf, `${instance}.log`)}
TransferLog none
WtmpLog off
UseReverseDNS off
ModulePath ${unpackedPath('usr/lib/proftpd')}
LoadModule mod_tls.c
AuthOrder mod_auth_file.c
AuthUserFile ${options.userFile}
AuthGroupFile ${options.groupFile}
RequireValidShell off
DefaultRoot ~
PassivePorts ${PASSIVE_RANGE[0]} ${PASSIVE_RANGE[1]}
${options.pasvAddress === undefined ? '' : `MasqueradeAddress ${options.pasvAddress}`}
${options.maxSessionsPerAddress === undefined ? '' : `MaxClientsPerHost ${options.maxSessionsPerAddress}`}
<IfModule mod_tls.c>
  TLSEngine on
  TLSRequired off
  TLSLog ${join(conf, `${instance}-tls.log`)}
  TLSProtocol ${options.tls12Only === true ? 'TLSv1.2' : 'TLSv1.2 TLSv1.3'}
  TLSRSACertificateFile ${options.tls.certFile}
  TLSRSACertificateKeyFile ${options.tls.keyFile}
  TLSVerifyClient off
  ${tlsOptions.length ? `TLSOptions ${tlsOptions.join(' ')}` : ''}
</IfModule>
`;
}

export const startProftpd: ServerLauncher = async (lab, options) => {
  const conf = makeConfigDir(lab, 'proftpd');
  const home = makeContentDir(lab, 'proftpd');
  const account = labAccount();
  const hash = (await run(['openssl', 'passwd', '-6', '-stdin'], { input: `${account.password}\n` })).stdout.trim();
  const userFile = join(conf, 'ftpd.passwd');
  const groupFile = join(conf, 'ftpd.group');
  writeFileSync(userFile, `${account.user}:${hash}:${NOBODY}:${NOBODY}::${home}:/bin/false\n`, { mode: 0o600 });
  writeFileSync(groupFile, `nogroup:x:${NOBODY}:\n`, { mode: 0o644 });
  const start = (implicitInstance: boolean): LabProcess => {
    const confFile = join(conf, implicitInstance ? 'proftpd-implicit.conf' : 'proftpd.conf');
    writeFileSync(confFile, proftpdConfig({ ...options, conf, userFile, groupFile, implicitInstance }), {
      mode: 0o644,
    });
    const name = implicitInstance ? 'proftpd implicit' : 'proftpd';
    return lab.start('server', name, [unpackedPath(PROFTPD_BINARY), '--nodaemon', '--config', confFile], unpackedEnv);
  };
  const proc = start(false);
  await lab.waitListening('server', CONTROL_PORT, 5_000, proc);
  if (options.implicitFtps !== true)
    return { kind: 'proftpd', process: proc, account, file: SERVED_FILE, stop: () => proc.stop() };
  const implicit = start(true);
  const stop = async (): Promise<void> => {
    await Promise.all([proc.stop(), implicit.stop()]);
  };
  try {
    await lab.waitListening('server', IMPLICIT_FTPS_PORT, 5_000, implicit);
  } catch (err) {
    await stop();
    throw err;
  }
  return { kind: 'proftpd', process: proc, account, file: SERVED_FILE, stop };
};
