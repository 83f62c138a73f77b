import type { RunResult } from './lab-process.js';
import type { LabServer } from './lab-server.js';
import type { Lab } from './netns.js';

export interface CurlOptions {
  tls?: boolean;
  /** PASV instead of curl's default EPSV-first. */
  pasv?: boolean;
  /** Active mode: the client listens on this port of its own address (EPRT, then PORT). */
  activePort?: number;
  /** Path to fetch; "/" lists the root. */
  path?: string;
  /** -v: the control dialogue on stderr. */
  verbose?: boolean;
  /** Seconds for each connect, control or data (curl --connect-timeout). */
  connectTimeout?: number;
  /** Seconds for the whole run; an active transfer the server cannot connect back for waits this long. */
  maxTime?: number;
}

/**
 * curl 7.88 from Debian, run in the client namespace: the independent client that proves a server or
 * a path works before ftpdoctor's own verdicts are trusted. Bounded by --max-time.
 */
export function curlFtp(lab: Lab, server: LabServer, opts: CurlOptions = {}): Promise<RunResult> {
  const { account } = server;
  const argv = [
    'curl',
    '--silent',
    '--show-error',
    '--connect-timeout',
    String(opts.connectTimeout ?? 4),
    '--max-time',
    String(opts.maxTime ?? 10),
    ...(opts.verbose === true ? ['--verbose'] : []),
    '--user',
    `${account.user}:${account.password ?? 'lab@example.com'}`,
    ...(opts.tls === true ? ['--ssl-reqd', '--insecure'] : []),
    ...(opts.pasv === true ? ['--disable-epsv'] : []),
    ...(opts.activePort === undefined ? [] : ['--ftp-port', `${lab.clientAddress}:${opts.activePort}`]),
    `ftp://${lab.target}${opts.path ?? '/'}`,
  ];
  return lab.exec('client', argv, { allowFailure: true, timeoutMs: 15_000 });
}
