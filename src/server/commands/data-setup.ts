import {
  type HostPort,
  decodeEprt,
  decodeHostPort,
  encodeEpsvReply,
  encodePasvReply,
  sameAddress,
} from '../../ftp/index.js';
import { isIP } from 'node:net';
import { openPassiveEndpoint, type PassiveEndpoint } from '../passive-ports.js';
import type { Session } from '../session.js';
import { command, type CommandGroup } from './command.js';

/** RFC 2577 §3: no data connection to a privileged port, which is how bounce attacks reach other services. */
const FIRST_UNPRIVILEGED_PORT = 1024;

async function openEndpoint(s: Session): Promise<PassiveEndpoint | undefined> {
  await s.clearDataSetup();
  const { sweep, config } = s.ctx;
  const endpoint = sweep
    ? sweep.reserve(s.peerAddress)
    : await openPassiveEndpoint({ bindAddress: s.localAddress, range: config.pasvRange, expectedPeer: s.peerAddress });
  if (!endpoint) {
    s.reply(425, `Can't open passive connection: no free port in ${config.pasvRange[0]}-${config.pasvRange[1]}.`);
    return undefined;
  }
  s.data = { kind: 'passive', endpoint };
  return endpoint;
}

function refuseAfterEpsvAll(s: Session, verb: string): boolean {
  if (!s.epsvAll) return false;
  s.reply(503, `${verb} refused: EPSV ALL is in effect (RFC 2428 §4).`);
  return true;
}

/** The checks of RFC 2577 before the server connects anywhere on a client's word. */
function acceptActive(s: Session, verb: string, target: HostPort): void {
  if (!sameAddress(target.address, s.peerAddress)) {
    return s.reply(
      504,
      `${verb} refused: ${target.address} is not the client's address ${s.peerAddress} (RFC 2577 bounce protection).`,
    );
  }
  if (target.port < FIRST_UNPRIVILEGED_PORT) {
    return s.reply(504, `${verb} refused: port ${target.port} is privileged (RFC 2577).`);
  }
  void s.clearDataSetup();
  s.data = { kind: 'active', address: target.address, port: target.port };
  s.reply(200, `${verb} command successful.`);
}

const controlFamily = (s: Session): 4 | 6 => (isIP(s.localAddress) === 6 ? 6 : 4);

/** RFC 959 §4.1.2 PASV/PORT and RFC 2428 EPSV/EPRT. */
export const dataSetupCommands: CommandGroup = {
  PASV: command(true, 'none', async (s) => {
    if (refuseAfterEpsvAll(s, 'PASV')) return;
    const advertised = s.ctx.config.pasvAddress ?? s.localAddress;
    if (isIP(advertised) !== 4) return s.reply(425, 'PASV needs an IPv4 address; use EPSV (RFC 2428).');
    const endpoint = await openEndpoint(s);
    if (!endpoint) return;
    const text = encodePasvReply({ address: advertised, port: endpoint.port });
    s.lastPasvReply = `227 ${text}`;
    s.reply(227, text);
  }),
  EPSV: command(true, 'optional', async (s, arg) => {
    const a = arg.trim().toUpperCase();
    if (a === 'ALL') {
      s.epsvAll = true;
      return s.reply(200, 'EPSV ALL ok.');
    }
    if (a !== '' && a !== '1' && a !== '2')
      return s.reply(501, `EPSV: unknown argument ${JSON.stringify(arg.slice(0, 16))}.`);
    const family = controlFamily(s);
    if (a !== '' && Number(a) !== (family === 4 ? 1 : 2)) {
      return s.reply(522, `Network protocol not supported, use (${family === 4 ? 1 : 2})`);
    }
    const endpoint = await openEndpoint(s);
    if (!endpoint) return;
    const text = encodeEpsvReply(endpoint.port);
    s.lastPasvReply = `229 ${text}`;
    s.reply(229, text);
  }),
  PORT: command(true, 'required', (s, arg) => {
    s.lastPortArgument = arg;
    if (refuseAfterEpsvAll(s, 'PORT')) return;
    const decoded = decodeHostPort(arg);
    if (!decoded.ok) return s.reply(501, `PORT: ${decoded.reason}.`);
    acceptActive(s, 'PORT', decoded.value);
  }),
  EPRT: command(true, 'required', (s, arg) => {
    s.lastPortArgument = arg;
    if (refuseAfterEpsvAll(s, 'EPRT')) return;
    const decoded = decodeEprt(arg);
    if (!decoded.ok) {
      // RFC 2428 §2: an unsupported family gets 522 with the families this server speaks
      if (decoded.reason.startsWith('unknown address family'))
        return s.reply(522, 'Network protocol not supported, use (1,2)');
      return s.reply(501, `EPRT: ${decoded.reason}.`);
    }
    acceptActive(s, 'EPRT', decoded.value);
  }),
};
