import { command, type CommandGroup } from './commands/command.js';
import type { ServerContext } from './server-context.js';

/**
 * SITE FTPDOCTOR: what a stock server cannot tell a diagnosing client. Allowed before login so a
 * probe can compare addresses before it sends credentials.
 *   PEER      the control connection's peer as this server sees it (NAT detection)
 *   LASTPORT  the last PORT/EPRT argument exactly as received (an ALG rewriting it shows here)
 *   LASTPASV  the last 227/229 reply exactly as sent (an ALG rewriting 227 shows on the client)
 *   SWEEP     the server id and the listening port ranges when sweep mode is on
 *   TRANSFER  the generated file a download test may read, and the directory an upload test may
 *             write to when the server is --writable (the probe's transfer experiments)
 */
export const probeExtensionCommands: CommandGroup = {
  SITE: command(false, 'required', async (s, arg) => {
    const [family = '', sub = '', ...extra] = arg.trim().split(/\s+/);
    if (family.toUpperCase() !== 'FTPDOCTOR') {
      return s.reply(
        s.loggedIn ? 504 : 530,
        s.loggedIn ? `SITE ${family.slice(0, 16)} not implemented.` : 'Please login with USER and PASS.',
      );
    }
    if (extra.length > 0)
      return s.reply(501, 'SITE FTPDOCTOR takes one word: PEER, LASTPORT, LASTPASV, SWEEP or TRANSFER.');
    switch (sub.toUpperCase()) {
      case 'PEER':
        return s.reply(200, `PEER ${s.peerAddress} ${s.peerPort}`);
      case 'LASTPORT':
        return s.lastPortArgument === undefined
          ? s.reply(550, 'No PORT or EPRT received yet.')
          : s.reply(200, `LASTPORT ${s.lastPortArgument}`);
      case 'LASTPASV':
        return s.lastPasvReply === undefined
          ? s.reply(550, 'No PASV or EPSV answered yet.')
          : s.reply(200, `LASTPASV ${s.lastPasvReply}`);
      case 'SWEEP':
        return s.ctx.sweep
          ? s.reply(200, `SWEEP ${s.ctx.serverId} ${s.ctx.sweep.rangesText()}`)
          : s.reply(550, 'Sweep mode is off (start the server with --sweep-mode).');
      case 'TRANSFER':
        return s.reply(200, `TRANSFER${await transferTargets(s.ctx)}`);
      default:
        return s.reply(501, 'SITE FTPDOCTOR takes PEER, LASTPORT, LASTPASV, SWEEP or TRANSFER.');
    }
  }),
};

/** The demo tree's generated binary; an upload directory only when writable ("/upload", else the root). */
async function transferTargets(ctx: ServerContext): Promise<string> {
  const isA = (path: string, type: 'file' | 'dir'): Promise<boolean> =>
    ctx.fs.stat(path).then(
      (e) => e.type === type,
      () => false,
    );
  const download = (await isA(GENERATED_FILE, 'file')) ? ` download=${GENERATED_FILE}` : '';
  const upload = ctx.config.writable ? ` upload=${(await isA('/upload', 'dir')) ? '/upload' : '/'}` : '';
  return download + upload;
}

const GENERATED_FILE = '/pub/sample-1MiB.bin';
