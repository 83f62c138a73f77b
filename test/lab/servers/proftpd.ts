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

export const PROFTPD_BINARY = 'usr/sbin/proftpd';
const NOBODY = 65534;

/**
 * proftpd 1.3.8 from Debian, with a virtual account in its own AuthUserFile (no system user) and
 * mod_tls from proftpd-mod-crypto. mod_tls requires TLS session reuse on data connections unless
 * NoSessionReuseRequired is set.
 */
export function proftpdConfig(options: ServerOptions & { conf: string; userFile: string; groupFile: string }): string {
  const { conf } = options;
  return `ServerType standalone
ServerName "ftpdoctor lab proftpd"
ServerIdent on "ftpdoctor lab proftpd"
DefaultServer on
Port ${CONTROL_PORT}
UseIPv6 ${options.dualStack === true ? 'on' : 'off'}
User nobody
Group nogroup
PidFile ${join(conf, 'proftpd.pid')}
ScoreboardFile ${join(conf, 'proftpd.scoreboard')}
DelayTable ${join(conf, 'proftpd.delay')}
SystemLog ${join(conf, 'proftpd.log')}
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
  TLSLog ${join(conf, 'tls.log')}
  TLSProtocol TLSv1.2 TLSv1.3
  TLSRSACertificateFile ${options.tls.certFile}
  TLSRSACertificateKeyFile ${options.tls.keyFile}
  TLSVerifyClient off
  ${options.requireTlsReuse === true ? '' : 'TLSOptions NoSessionReuseRequired'}
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
  const confFile = join(conf, 'proftpd.conf');
  writeFileSync(confFile, proftpdConfig({ ...options, conf, userFile, groupFile }), { mode: 0o644 });
  const proc = lab.start(
    'server',
    'proftpd',
    [unpackedPath(PROFTPD_BINARY), '--nodaemon', '--config', confFile],
    unpackedEnv,
  );
  await lab.waitListening('server', CONTROL_PORT, 5_000, proc);
  return { kind: 'proftpd', process: proc, account, file: SERVED_FILE, stop: () => proc.stop() };
};
