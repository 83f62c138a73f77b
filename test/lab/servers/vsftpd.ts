import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  CONTROL_PORT,
  IMPLICIT_FTPS_PORT,
  PASSIVE_RANGE,
  SERVED_FILE,
  makeConfigDir,
  makeContentDir,
  type LabAccount,
  type LabServer,
  type ServerLauncher,
  type ServerOptions,
} from '../lab-server.js';
import { createLabUser, deleteLabUser } from '../lab-users.js';
import type { Lab } from '../netns.js';

export const VSFTPD_BINARY = '/usr/sbin/vsftpd';

/**
 * vsftpd from Debian's package. It authenticates local accounts only through PAM and the system's
 * users, so its test account is anonymous (with FTPS allowed for it), or with `localUser` a
 * temporary system account the lab creates and deletes (lab-users.ts).
 */
export function vsftpdConfig(options: ServerOptions & { anonRoot: string; implicitInstance?: boolean }): string {
  const lines = [
    // listen_ipv6 alone listens on ::, which takes IPv4 too (vsftpd.conf(5), listen_ipv6).
    `listen=${options.dualStack === true ? 'NO' : 'YES'}`,
    `listen_ipv6=${options.dualStack === true ? 'YES' : 'NO'}`,
    `listen_port=${options.implicitInstance === true ? IMPLICIT_FTPS_PORT : CONTROL_PORT}`,
    // vsftpd serves implicit FTPS only in an instance of its own (implicit_ssl, vsftpd.conf(5)).
    ...(options.implicitInstance === true ? ['implicit_ssl=YES'] : []),
    'background=NO',
    `anonymous_enable=${options.localUser === true ? 'NO' : 'YES'}`,
    'no_anon_password=YES',
    `anon_root=${options.anonRoot}`,
    `local_enable=${options.localUser === true ? 'YES' : 'NO'}`,
    // Uploads need write_enable and anon_upload_enable; DELE by anonymous needs anon_other_write_enable (vsftpd.conf(5)).
    ...(options.writable === true
      ? ['write_enable=YES', 'anon_upload_enable=YES', 'anon_other_write_enable=YES', 'anon_umask=022']
      : ['write_enable=NO']),
    'pasv_enable=YES',
    `pasv_min_port=${PASSIVE_RANGE[0]}`,
    `pasv_max_port=${PASSIVE_RANGE[1]}`,
    ...(options.pasvAddress === undefined ? [] : [`pasv_address=${options.pasvAddress}`]),
    'port_enable=YES',
    'connect_from_port_20=YES',
    'secure_chroot_dir=/var/run/vsftpd/empty',
    'seccomp_sandbox=NO',
    'ssl_enable=YES',
    'allow_anon_ssl=YES',
    'force_anon_logins_ssl=NO',
    `force_anon_data_ssl=${options.requireTlsData === true ? 'YES' : 'NO'}`,
    'force_local_logins_ssl=NO',
    'force_local_data_ssl=NO',
    // vsftpd 3.0.3 defaults to DES-CBC3-SHA, which OpenSSL 3 no longer offers.
    'ssl_ciphers=HIGH',
    `rsa_cert_file=${options.tls.certFile}`,
    `rsa_private_key_file=${options.tls.keyFile}`,
    `require_ssl_reuse=${options.requireTlsReuse === true ? 'YES' : 'NO'}`,
    ...(options.maxSessionsPerAddress === undefined ? [] : [`max_per_ip=${options.maxSessionsPerAddress}`]),
    ...(options.connectTimeoutS === undefined ? [] : [`connect_timeout=${options.connectTimeoutS}`]),
    'xferlog_enable=NO',
    'ftpd_banner=ftpdoctor lab vsftpd',
  ];
  return `${lines.join('\n')}\n`;
}

export const startVsftpd: ServerLauncher = async (lab, options) => {
  const anonRoot = makeContentDir(lab, 'vsftpd');
  if (options.localUser !== true) return startInstances(lab, options, anonRoot, { user: 'anonymous' });
  // The account's home is the served folder: a password login lands where an anonymous one does.
  const user = await createLabUser(anonRoot);
  try {
    const server = await startInstances(lab, options, anonRoot, { user: user.name, password: user.password });
    return {
      ...server,
      stop: async () => {
        try {
          await server.stop();
        } finally {
          await deleteLabUser(user.name);
        }
      },
    };
  } catch (err) {
    await deleteLabUser(user.name);
    throw err;
  }
};

async function startInstances(
  lab: Lab,
  options: ServerOptions,
  anonRoot: string,
  account: LabAccount,
): Promise<LabServer> {
  const conf = makeConfigDir(lab, 'vsftpd');
  const confFile = join(conf, 'vsftpd.conf');
  // vsftpd refuses an anonymous root the ftp user can write to; uploads go to a folder below it that it owns.
  if (options.writable === true) writableFolder(join(anonRoot, 'pub', 'upload'), 'ftp');
  writeFileSync(confFile, vsftpdConfig({ ...options, anonRoot }), { mode: 0o600 });
  const proc = lab.start('server', 'vsftpd', [VSFTPD_BINARY, confFile]);
  await lab.waitListening('server', CONTROL_PORT, 5_000, proc);
  if (options.implicitFtps !== true)
    return {
      kind: 'vsftpd',
      process: proc,
      account,
      file: SERVED_FILE,
      stop: () => proc.stop(),
    };
  const implicitFile = join(conf, 'vsftpd-implicit.conf');
  writeFileSync(implicitFile, vsftpdConfig({ ...options, anonRoot, implicitInstance: true }), { mode: 0o600 });
  const implicit = lab.start('server', 'vsftpd implicit', [VSFTPD_BINARY, implicitFile]);
  try {
    await lab.waitListening('server', IMPLICIT_FTPS_PORT, 5_000, implicit);
  } catch (err) {
    await Promise.all([proc.stop(), implicit.stop()]);
    throw err;
  }
  return {
    kind: 'vsftpd',
    process: proc,
    account,
    file: SERVED_FILE,
    stop: async () => {
      await Promise.all([proc.stop(), implicit.stop()]);
    },
  };
}

function writableFolder(path: string, user: string): void {
  mkdirSync(path, { recursive: true });
  const id = (flag: '-u' | '-g'): number => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  chownSync(path, id('-u'), id('-g'));
}
