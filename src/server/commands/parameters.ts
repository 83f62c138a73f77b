import { command, type CommandGroup } from './command.js';

/** RFC 959 §4.1.2 transfer parameters; only the combinations §5.1 makes mandatory are offered. */
export const parameterCommands: CommandGroup = {
  TYPE: command(true, 'required', (s, arg) => {
    const t = arg.trim().toUpperCase().replace(/\s+/g, ' ');
    if (t === 'A' || t === 'A N') {
      s.binary = false;
      return s.reply(200, 'Type set to A.');
    }
    if (t === 'I' || t === 'L 8') {
      s.binary = true;
      return s.reply(200, 'Type set to I.');
    }
    if (/^(A [TC]|E( [NTC])?|L \d+)$/.test(t)) return s.reply(504, `Type ${t} not implemented.`);
    s.reply(501, `Unknown type ${JSON.stringify(arg.slice(0, 16))}.`);
  }),
  MODE: command(true, 'required', (s, arg) => {
    const m = arg.trim().toUpperCase();
    if (m === 'S') return s.reply(200, 'Mode set to S.');
    if (m === 'B' || m === 'C') return s.reply(504, `Mode ${m} not implemented.`);
    s.reply(501, `Unknown mode ${JSON.stringify(arg.slice(0, 16))}.`);
  }),
  STRU: command(true, 'required', (s, arg) => {
    const st = arg.trim().toUpperCase();
    if (st === 'F') return s.reply(200, 'Structure set to F.');
    if (st === 'R' || st === 'P') return s.reply(504, `Structure ${st} not implemented.`);
    s.reply(501, `Unknown structure ${JSON.stringify(arg.slice(0, 16))}.`);
  }),
  /** RFC 3659 §5: REST STREAM, applied to the next RETR. */
  REST: command(true, 'required', (s, arg) => {
    if (!/^\d{1,15}$/.test(arg.trim())) return s.reply(501, 'REST needs a byte offset.');
    s.restOffset = Number(arg.trim());
    s.reply(350, `Restarting at ${s.restOffset}. Send RETR to start the transfer.`);
  }),
  ALLO: command(true, 'optional', (s) => s.reply(202, 'ALLO not needed on this server.')),
};
