import type { Reply, ServerSoftware } from '../observation/index.js';

/**
 * What a server does with a PORT/EPRT naming another address than the control connection's peer,
 * which makes its answer evidence about NAT (issue 12): a server that refuses foreign addresses and
 * accepts our PORT sees us at the address we named, so no NAT stands between us.
 *
 * Measured in the lab (test/lab, docs/measured-behaviour.md; recorded in fixtures/lab-*-client-nat-*):
 * vsftpd `500 Illegal PORT command.`, pure-ftpd `500 I won't open a connection to A (only to B)`,
 * pyftpdlib `501 Rejected data connection to foreign address A:P.`, proftpd 1.3.8 `200` and then a
 * connection to the control peer instead. Documented: vsftpd.conf(5) port_promiscuous (default NO:
 * "the PORT security check that ensures that outgoing data connections can only connect to the
 * client"); pyftpdlib FTPHandler.permit_foreign_addresses (default False); ProFTPD
 * AllowForeignAddress (default off, proftpd.org/docs/directives/linked/config_ref_AllowForeignAddress.html);
 * pure-ftpd(8) -w/--allowuserfxp and -W/--allowanonymousfxp (FXP, i.e. foreign addresses, off by
 * default). A server configured otherwise accepts foreign addresses: the finding names the setting.
 */
export type ForeignPortPolicy =
  /** Refuses the command: its acceptance proves the server sees us at the address named. */
  | 'refuses'
  /** Accepts it and connects to the control peer instead: its acceptance proves nothing. */
  | 'connects-to-peer'
  | 'unknown';

export function foreignPortPolicy(software: ServerSoftware | undefined): ForeignPortPolicy {
  switch (software?.name) {
    case 'vsftpd':
    case 'pure-ftpd':
    case 'pyftpdlib':
      return 'refuses';
    case 'proftpd':
      return 'connects-to-peer';
    default:
      return 'unknown';
  }
}

/** pure-ftpd names the address it would connect to: the one it sees this computer at. */
const ONLY_TO = /won't open a connection to \S+ \(only to ([0-9A-Fa-f.:]+)\)/;
/** The refusals of a PORT naming a foreign address, as the measured servers word them. */
const FOREIGN_TEXTS = [/Illegal (PORT|EPRT) command/i, ONLY_TO, /Rejected data connection to foreign address/i];

/** The server refused a PORT/EPRT because of its address; `seenAs` when its text names where it sees us. */
export function foreignAddressRefusal(reply: Reply | undefined): { seenAs?: string } | undefined {
  if (!reply || reply.code < 400 || !FOREIGN_TEXTS.some((re) => re.test(reply.text))) return undefined;
  const seenAs = ONLY_TO.exec(reply.text)?.[1];
  return seenAs ? { seenAs } : {};
}
