import { formatFacts, formatListLine, formatTimeVal } from '../listing.js';
import { replyFsError, sessionPath } from '../fs-replies.js';
import type { Session } from '../session.js';
import { command, type CommandGroup } from './command.js';
import { FEATURES } from './features.js';

async function fileEntry(s: Session, arg: string) {
  const path = sessionPath(s, arg);
  if (path === undefined) return undefined;
  try {
    const entry = await s.ctx.fs.stat(path);
    if (entry.type !== 'file') {
      s.reply(550, `${arg}: Not a plain file.`);
      return undefined;
    }
    return entry;
  } catch (err) {
    replyFsError(s, err);
    return undefined;
  }
}

function statusLines(s: Session): string[] {
  const setup =
    s.data?.kind === 'passive'
      ? `passive on port ${s.data.endpoint.port}`
      : s.data
        ? `active to ${s.data.address} port ${s.data.port}`
        : 'none';
  return [
    'ftpdoctor reference server status:',
    `Connected from ${s.peerAddress} port ${s.peerPort}`,
    s.loggedIn ? 'Logged in' : 'Not logged in',
    `TYPE: ${s.binary ? 'BINARY' : 'ASCII'}; STRUcture: File; transfer MODE: Stream`,
    `Control connection: ${s.tlsActive ? 'TLS' : 'plain'}; data protection: ${s.protectData ? 'Private' : 'Clear'}`,
    `Data setup: ${setup}${s.abortTransfer ? '; transfer in progress' : ''}`,
    'End of status',
  ];
}

/** RFC 959 informational commands, RFC 2389 FEAT/OPTS, RFC 3659 SIZE/MDTM/MLST. */
export const informationCommands: CommandGroup = {
  SYST: command(false, 'none', (s) => s.reply(215, 'UNIX Type: L8')),
  NOOP: command(false, 'none', (s) => s.reply(200, 'NOOP ok.')),
  HELP: command(false, 'optional', (s) =>
    s.reply(214, [
      'Commands recognised:',
      ' USER PASS ACCT QUIT PWD CWD CDUP TYPE MODE STRU REST PASV EPSV PORT EPRT',
      ' LIST NLST MLSD MLST RETR STOR DELE ABOR SIZE MDTM STAT SYST NOOP FEAT OPTS HELP',
      ' AUTH PBSZ PROT SITE',
      'Help OK.',
    ]),
  ),
  FEAT: command(false, 'none', (s) => s.reply(211, ['Features:', ...FEATURES.map((f) => ` ${f}`), 'End'])),
  OPTS: command(false, 'required', (s, arg) => {
    const [name = '', ...rest] = arg.trim().split(/\s+/);
    const value = rest.join(' ').toUpperCase();
    if (name.toUpperCase() === 'UTF8' && (value === 'ON' || value === '')) return s.reply(200, 'Always in UTF8 mode.');
    if (name.toUpperCase() === 'UTF8' && value === 'OFF') return s.reply(504, 'UTF8 cannot be switched off.');
    if (name.toUpperCase() === 'MLST') return s.reply(200, 'MLST OPTS type;size;modify;perm;');
    s.reply(501, `OPTS ${name.slice(0, 16)} not understood.`);
  }),
  SIZE: command(true, 'required', async (s, arg) => {
    const entry = await fileEntry(s, arg);
    if (entry) s.reply(213, String(entry.size));
  }),
  MDTM: command(true, 'required', async (s, arg) => {
    const entry = await fileEntry(s, arg);
    if (entry) s.reply(213, formatTimeVal(entry.mtime));
  }),
  MLST: command(true, 'optional', async (s, arg) => {
    const path = sessionPath(s, arg.trim() || '.');
    if (path === undefined) return;
    try {
      const entry = await s.ctx.fs.stat(path);
      // RFC 3659 §7.2: the fact line starts with one space and names the path
      s.reply(250, [`Listing ${path}`, ` ${formatFacts(entry)} ${path}`, 'End']);
    } catch (err) {
      replyFsError(s, err);
    }
  }),
  STAT: command(true, 'optional', async (s, arg) => {
    if (arg.trim() === '') return s.reply(211, statusLines(s));
    const path = sessionPath(s, arg.trim());
    if (path === undefined) return;
    try {
      const entries = await s.ctx.fs.list(path);
      const now = new Date();
      s.reply(213, [`Status of ${path}:`, ...entries.map((e) => ` ${formatListLine(e, now)}`), 'End of status']);
    } catch (err) {
      replyFsError(s, err);
    }
  }),
};
