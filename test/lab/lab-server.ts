import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabProcess } from './lab-process.js';
import type { Lab } from './netns.js';
import type { TlsFiles } from './tls-cert.js';

/** What every FTP server launcher of the lab takes and returns, whichever server it runs. */

export type ServerKind = 'reference' | 'vsftpd' | 'proftpd' | 'pure-ftpd' | 'pyftpdlib';

export const PASSIVE_RANGE: [number, number] = [60000, 65535];
export const CONTROL_PORT = 21;
/** Implicit FTPS (RFC 4217 §1 names 990 for it). */
export const IMPLICIT_FTPS_PORT = 990;

export interface ServerOptions {
  /** Advertise this address in 227 replies (pasv_address / MasqueradeAddress / -P / masquerade_address / --pasv-address). */
  pasvAddress?: string;
  /** Refuse TLS data connections that do not resume the control session (RFC 4217 §10.2). */
  requireTlsReuse?: boolean;
  /** proftpd only: offer TLS 1.2 alone (TLSProtocol TLSv1.2), as a server without TLS 1.3 does. */
  tls12Only?: boolean;
  /** vsftpd and pyftpdlib only: refuse clear data connections (PROT C), as an FTPS-only server does. */
  requireTlsData?: boolean;
  /** Reference server and pyftpdlib: anonymous login instead of the test account (vsftpd is always anonymous here). */
  anonymous?: boolean;
  /**
   * vsftpd: log in with a password, as a temporary system account (lab-users.ts, local_enable=YES)
   * instead of anonymously. The other servers log in with a password already, unless `anonymous`.
   */
  localUser?: boolean;
  /** Reference server, vsftpd and proftpd: also serve implicit FTPS (TLS from the first byte) on port 990. */
  implicitFtps?: boolean;
  /** Reference server only: listen on the whole passive range and answer with its token (`--sweep-mode`). */
  sweepMode?: boolean;
  /** Listen on IPv6 as well as IPv4. */
  dualStack?: boolean;
  /** Accept uploads and deletions (reference --writable; vsftpd anonymous upload into pub/upload, owned by ftp). */
  writable?: boolean;
  /** vsftpd and proftpd: sessions one client address may hold at once (max_per_ip, MaxClientsPerHost). */
  maxSessionsPerAddress?: number;
  /** vsftpd only: how long it tries to connect to an active-mode client before its 425 (connect_timeout, default 60 s). */
  connectTimeoutS?: number;
  tls: TlsFiles;
}

/** A login the check uses: a real account, or anonymous where a server can have no other without system accounts. */
export interface LabAccount {
  user: string;
  /** Absent for anonymous. */
  password?: string;
}

export interface LabServer {
  kind: ServerKind;
  process: LabProcess;
  account: LabAccount;
  /** The file every server serves in its root, with its exact content. */
  file: { name: string; content: string };
  stop(): Promise<void>;
}

export type ServerLauncher = (lab: Lab, options: ServerOptions) => Promise<LabServer>;

export const SERVED_FILE = { name: 'readme.txt', content: 'ftpdoctor lab file\n' };

/** A fresh password per lab, so that a test can grep every output for it. */
export function labAccount(): Required<LabAccount> {
  return { user: 'labuser', password: `lab-${randomBytes(6).toString('hex')}` };
}

/** The served folder: world-readable, owned by root, not writable by the server's unprivileged user. */
export function makeContentDir(lab: Lab, kind: ServerKind): string {
  const dir = join(lab.dir, `${kind}-root`);
  mkdirSync(join(dir, 'pub'), { recursive: true });
  writeFileSync(join(dir, SERVED_FILE.name), SERVED_FILE.content);
  chmodSync(lab.dir, 0o755);
  chmodSync(dir, 0o755);
  return dir;
}

/** A folder for one server's config, pid and log files. */
export function makeConfigDir(lab: Lab, kind: ServerKind): string {
  const dir = join(lab.dir, `${kind}-conf`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
