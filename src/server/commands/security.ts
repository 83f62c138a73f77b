import { command, type CommandGroup } from './command.js';

const AUTH_MECHANISMS = new Set(['TLS', 'TLS-C', 'SSL', 'TLS-P']);

/** RFC 4217 explicit FTPS: AUTH TLS, PBSZ, PROT. */
export const securityCommands: CommandGroup = {
  AUTH: command(false, 'required', (s, arg) => {
    const mechanism = arg.trim().toUpperCase();
    if (!AUTH_MECHANISMS.has(mechanism))
      return s.reply(504, `AUTH ${mechanism.slice(0, 16)} not supported; use AUTH TLS.`);
    if (s.tlsActive) return s.reply(503, 'Already using TLS.');
    s.upgradeToTls();
  }),
  PBSZ: command(false, 'required', (s, arg) => {
    // RFC 4217 §8: PBSZ only after a security exchange; TLS streams need no buffer, so the size is 0
    if (!s.tlsActive) return s.reply(503, 'PBSZ needs a protected control connection; send AUTH TLS first.');
    if (!/^\d+$/.test(arg.trim())) return s.reply(501, 'PBSZ needs a number.');
    s.pbszSet = true;
    s.reply(200, 'PBSZ=0');
  }),
  PROT: command(false, 'required', (s, arg) => {
    if (!s.tlsActive) return s.reply(503, 'PROT needs a protected control connection; send AUTH TLS first.');
    if (!s.pbszSet) return s.reply(503, 'PROT needs PBSZ first (RFC 4217 §9).');
    const level = arg.trim().toUpperCase();
    if (level === 'C' || level === 'P') {
      s.protectData = level === 'P';
      return s.reply(200, `Protection level set to ${level}.`);
    }
    if (level === 'S' || level === 'E') return s.reply(536, `Protection level ${level} not supported; use C or P.`);
    s.reply(504, `Unknown protection level ${JSON.stringify(arg.slice(0, 16))}.`);
  }),
};
