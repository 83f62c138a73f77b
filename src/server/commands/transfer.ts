import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AsciiLineEndings } from '../ascii-mode.js';
import { runTransfer } from '../data-transfer.js';
import { replyFsError, sessionPath } from '../fs-replies.js';
import type { ListingFormat } from '../listing.js';
import type { Session } from '../session.js';
import { command, type CommandGroup } from './command.js';

/** "LIST -la /pub" → "/pub": clients pass ls options that RFC 959 does not define; they are ignored. */
export function listTarget(argument: string): string {
  const words = argument.trim().split(/\s+/);
  while (words[0]?.startsWith('-')) words.shift();
  return words.join(' ') || '.';
}

/**
 * One write and end() rather than a pipeline: a listing is small, and a pipeline per listing costs
 * more CPU than the listing itself.
 */
function writeAndEnd(data: Duplex, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    data.once('error', onError);
    data.once('close', () => reject(new Error('data connection closed before the listing was sent')));
    data.end(bytes, () => {
      data.off('error', onError);
      resolve();
    });
  });
}

/** LIST and NLST take ls options (ignored); MLSD a path only (RFC 3659 §7.1). */
async function sendListing(s: Session, format: ListingFormat, arg: string): Promise<void> {
  const path = sessionPath(s, format === 'MLSD' ? arg.trim() || '.' : listTarget(arg));
  if (path === undefined) return;
  let bytes: Buffer;
  try {
    bytes = await s.ctx.listings.listing(format, path);
  } catch (err) {
    return replyFsError(s, err);
  }
  await runTransfer(s, 'file list', (data) => writeAndEnd(data, bytes));
}

/** RFC 959 §4.1.3 transfer service commands, RFC 3659 §7 MLSD. */
export const transferCommands: CommandGroup = {
  LIST: command(true, 'optional', (s, arg) => sendListing(s, 'LIST', arg)),
  NLST: command(true, 'optional', (s, arg) => sendListing(s, 'NLST', arg)),
  MLSD: command(true, 'optional', async (s, arg) => {
    const path = sessionPath(s, arg.trim() || '.');
    if (path === undefined) return;
    try {
      const entry = await s.ctx.fs.stat(path);
      // RFC 3659 §7.2.1: MLSD names a directory; a file gets 501
      if (entry.type !== 'dir') return s.reply(501, `${arg.trim()}: Not a directory.`);
    } catch (err) {
      return replyFsError(s, err);
    }
    await sendListing(s, 'MLSD', arg);
  }),
  RETR: command(true, 'required', async (s, arg) => {
    const path = sessionPath(s, arg);
    if (path === undefined) return;
    const offset = s.restOffset;
    let source: Readable;
    let size: number;
    try {
      const entry = await s.ctx.fs.stat(path);
      if (entry.type !== 'file') return s.reply(550, `${arg}: Not a plain file.`);
      size = entry.size;
      source = await s.ctx.fs.openRead(path, offset);
    } catch (err) {
      s.restOffset = 0;
      return replyFsError(s, err);
    }
    await runTransfer(s, `${arg} (${Math.max(0, size - offset)} bytes)`, (data) =>
      s.binary ? pipeline(source, data) : pipeline(source, new AsciiLineEndings(), data),
    ).finally(() => source.destroy());
  }),
  STOR: command(true, 'required', async (s, arg) => {
    const path = sessionPath(s, arg);
    if (path === undefined) return;
    if (s.restOffset !== 0) {
      s.restOffset = 0;
      return s.reply(504, 'REST before STOR is not supported; send the whole file.');
    }
    let sink;
    try {
      sink = await s.ctx.fs.openWrite(path);
    } catch (err) {
      return replyFsError(s, err);
    }
    const target = sink;
    await runTransfer(s, arg, (data) => pipeline(data, target));
  }),
  /** RFC 959 §4.1.3: 250 once the file is gone; how a client (ftpdoctor's upload test) cleans up after STOR. */
  DELE: command(true, 'required', async (s, arg) => {
    const path = sessionPath(s, arg);
    if (path === undefined) return;
    try {
      await s.ctx.fs.remove(path);
    } catch (err) {
      return replyFsError(s, err);
    }
    s.reply(250, `${arg}: deleted.`);
  }),
  ABOR: command(true, 'none', async (s) => {
    const abort = s.abortTransfer;
    const finished = s.transferFinished;
    if (abort && finished) {
      abort();
      // RFC 959 §4.1.3: the aborted transfer answers 426 first, then ABOR answers 226
      await finished;
      return s.reply(226, 'ABOR successful.');
    }
    await s.clearDataSetup();
    s.reply(226, 'ABOR successful; no transfer in progress.');
  }),
};
