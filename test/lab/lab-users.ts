import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import { pidAlive, run } from './lab-process.js';
import { LAB_TMP } from './netns.js';

/**
 * Temporary system accounts for servers that log in only through PAM and the system's users
 * (vsftpd's local_enable): a password login without touching any existing account. Each name
 * carries the lab's prefix and the creating process id, each home lies under the lab's temp root,
 * and only accounts matching both are ever deleted.
 */

export const LAB_USER_PREFIX = 'fdl';
const LAB_USER_NAME = /^fdl(\d+)x[0-9a-f]{6}$/;

export interface LabUser {
  name: string;
  password: string;
  home: string;
}

/** A system account (no subordinate ids, no mail spool, no aging) with a random password, its home an existing folder. */
export async function createLabUser(home: string): Promise<LabUser> {
  if (!underLabTmp(home)) throw new Error(`lab user home ${home} is not under ${LAB_TMP}`);
  const name = `${LAB_USER_PREFIX}${process.pid}x${randomBytes(3).toString('hex')}`;
  const password = `lab-${randomBytes(9).toString('hex')}`;
  // vsftpd's PAM stack (Debian /etc/pam.d/vsftpd) ends with pam_shells: the shell must be listed in /etc/shells.
  await run(['useradd', '--system', '--no-create-home', '--home-dir', home, '--shell', listedShell(), name]);
  try {
    // pam_listfile denies the names in /etc/ftpusers (same PAM file): a fresh random name is never there.
    if (ftpusers().includes(name)) throw new Error(`lab user ${name} is listed in /etc/ftpusers`);
    await run(['chpasswd'], { input: `${name}:${password}\n` });
  } catch (err) {
    await deleteLabUser(name);
    throw err;
  }
  return { name, password, home };
}

/** Deletes one lab account (and its group); --force because a server's session may still run as it. */
export async function deleteLabUser(name: string): Promise<void> {
  if (!LAB_USER_NAME.test(name)) throw new Error(`not a lab user name: ${name}`);
  await run(['userdel', '--force', name], { allowFailure: true });
}

/** Lab accounts left by runs whose process is gone: the prefix, a dead creator and a home under the lab's temp root. */
export async function removeLeftoverUsers(): Promise<string[]> {
  const removed: string[] = [];
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name = '', , , , , home = ''] = line.split(':');
    const m = LAB_USER_NAME.exec(name);
    if (!m || pidAlive(Number(m[1])) || !underLabTmp(home)) continue;
    await deleteLabUser(name);
    removed.push(name);
  }
  return removed;
}

function underLabTmp(path: string): boolean {
  const rel = relative(LAB_TMP, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function listedShell(): string {
  const listed = readFileSync('/etc/shells', 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/') && existsSync(l));
  const shell = listed.find((l) => /\/(ba|da)?sh$/.test(l)) ?? listed[0];
  if (!shell) throw new Error('no usable shell in /etc/shells for a lab user');
  return shell;
}

function ftpusers(): string[] {
  return existsSync('/etc/ftpusers')
    ? readFileSync('/etc/ftpusers', 'utf8')
        .split('\n')
        .map((l) => l.trim())
    : [];
}
