import { command, type CommandGroup } from './commands/command.js';

/**
 * SITE FTPDOCTOR: what a stock server cannot tell a diagnosing client. Allowed before login so a
 * probe can compare addresses before it sends credentials.
 *   PEER      the control connection's peer as this server sees it (NAT detection)
 *   LASTPORT  the last PORT/EPRT argument exactly as received (an ALG rewriting it shows here)
 *   LASTPASV  the last 227/229 reply exactly as sent (an ALG rewriting 227 shows on the client)
 *   SWEEP     the server id and the listening port ranges when sweep mode is on
 */
export const probeExtensionCommands: CommandGroup = {
  SITE: command(false, 'required', (s, arg) => {
    const [family = '', sub = '', ...extra] = arg.trim().split(/\s+/);
    if (family.toUpperCase() !== 'FTPDOCTOR') {
      return s.reply(
        s.loggedIn ? 504 : 530,
        s.loggedIn ? `SITE ${family.slice(0, 16)} not implemented.` : 'Please login with USER and PASS.',
      );
    }
    if (extra.length > 0) return s.reply(501, 'SITE FTPDOCTOR takes one word: PEER, LASTPORT, LASTPASV or SWEEP.');
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
      default:
        return s.reply(501, 'SITE FTPDOCTOR takes PEER, LASTPORT, LASTPASV or SWEEP.');
    }
  }),
};
