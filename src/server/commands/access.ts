import { timingSafeEqual, createHash } from 'node:crypto';
import { command, type CommandGroup } from './command.js';
import type { Session } from '../session.js';

const ANONYMOUS_NAMES = new Set(['anonymous', 'ftp']);

/** Compares digests so that neither content nor length leaks through timing. */
function secretEquals(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

function accepts(session: Session, user: string, password: string): boolean {
  const { config } = session.ctx;
  if (ANONYMOUS_NAMES.has(user.toLowerCase())) return config.anonymous;
  return (
    config.user !== undefined &&
    config.password !== undefined &&
    user === config.user &&
    secretEquals(password, config.password)
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** RFC 959 §4.1.1 access control commands. */
export const accessCommands: CommandGroup = {
  USER: command(false, 'required', (s, name) => {
    if (s.loggedIn) return s.reply(530, 'Already logged in; cannot change user.');
    s.pendingUser = name;
    if (ANONYMOUS_NAMES.has(name.toLowerCase()) && s.ctx.config.anonymous) {
      return s.reply(331, 'Anonymous login ok, send your e-mail address as password.');
    }
    // the same answer for unknown users, so that a name cannot be probed
    s.reply(331, `Password required for ${name}.`);
  }),
  PASS: command(false, 'optional', async (s, password) => {
    if (s.loggedIn) return s.reply(503, 'Already logged in.');
    const user = s.pendingUser;
    if (user === undefined) return s.reply(503, 'Login with USER first.');
    s.pendingUser = undefined;
    if (accepts(s, user, password)) {
      s.completeLogin();
      s.ctx.throttle.succeed(s.peerAddress);
      s.ctx.log?.(
        `${s.peerAddress}:${s.peerPort} logged in as ${ANONYMOUS_NAMES.has(user.toLowerCase()) ? 'anonymous' : user}`,
      );
      return s.reply(230, 'Login successful.');
    }
    s.loginFailures++;
    const delay = s.ctx.throttle.fail(s.peerAddress);
    s.ctx.log?.(`${s.peerAddress}:${s.peerPort} failed login for ${JSON.stringify(user)}; answering in ${delay} ms`);
    await sleep(delay);
    if (s.loginFailures >= s.ctx.config.limits.maxLoginFailures) {
      return s.closeWith(421, `Too many failed logins (${s.loginFailures}), closing control connection.`);
    }
    s.reply(530, 'Login incorrect.');
  }),
  ACCT: command(false, 'required', (s) => s.reply(202, 'ACCT not needed on this server.')),
  QUIT: command(false, 'none', (s) => s.closeWith(221, 'Goodbye.')),
};
