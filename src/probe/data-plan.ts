import type { DataMode } from './control-sessions.js';
import { loginIsPublic } from './control-session.js';
import type { ProbeRun } from './probe-run.js';

/**
 * The data probes to run. Under TLS both PROT P and PROT C, so "works in clear, fails protected"
 * shows; with --tls-auto also a plain control session, since an FTP ALG can read (and rewrite)
 * 227 and PORT only when the control channel is not encrypted. That plain session is opened only
 * for anonymous logins, or with the user's consent (--compare-plain): a real password never goes
 * out unencrypted otherwise when TLS works.
 */
export function dataModes(run: ProbeRun, sessionTls: boolean): DataMode[] {
  if (!sessionTls) return [{ tls: false, protection: 'clear' }];
  const modes: DataMode[] = [
    { tls: true, protection: 'private' },
    { tls: true, protection: 'clear' },
  ];
  // Implicit FTPS has no plain-text session on its port.
  const consented = run.settings.comparePlain === true && run.settings.tls !== 'implicit';
  if ((run.settings.tls === 'auto' && loginIsPublic(run)) || consented) modes.push({ tls: false, protection: 'clear' });
  return modes;
}
