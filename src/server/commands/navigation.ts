import { command, type CommandGroup } from './command.js';
import { quotePath, replyFsError, sessionPath } from '../fs-replies.js';
import type { Session } from '../session.js';

async function changeDirectory(s: Session, input: string): Promise<void> {
  const path = sessionPath(s, input);
  if (path === undefined) return;
  try {
    const entry = await s.ctx.fs.stat(path);
    if (entry.type !== 'dir') return s.reply(550, `${input}: Not a directory.`);
  } catch (err) {
    return replyFsError(s, err);
  }
  s.cwd = path;
  s.reply(250, `Directory changed to ${quotePath(path)}.`);
}

const pwd = command(true, 'none', (s) => s.reply(257, `${quotePath(s.cwd)} is the current directory.`));
const cwd = command(true, 'required', (s, arg) => changeDirectory(s, arg));
const cdup = command(true, 'none', (s) => changeDirectory(s, '..'));

/** RFC 959 §4.1.1 CWD/CDUP, §4.1.3 PWD; the X-forms are RFC 775's, still sent by some clients. */
export const navigationCommands: CommandGroup = {
  PWD: pwd,
  XPWD: pwd,
  CWD: cwd,
  XCWD: cwd,
  CDUP: cdup,
  XCUP: cdup,
};
