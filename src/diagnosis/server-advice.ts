import type { ServerSoftware, ServerSoftwareName } from '../observation/index.js';

/**
 * The server settings a finding's advice names, for the server software that answered. When it was
 * not recognised, the advice names the setting in each common server. Sources, per server:
 * vsftpd.conf(5) (pasv_address, pasv_min_port/pasv_max_port, ssl_enable, require_ssl_reuse,
 * port_enable); ProFTPD's mod_core and mod_tls documentation (MasqueradeAddress, PassivePorts,
 * TLSEngine, TLSOptions NoSessionReuseRequired); pure-ftpd(8) (-P/--forcepassiveip,
 * -p/--passiveportrange, --tls); pyftpdlib's handlers.py, the FTPHandler/TLS_FTPHandler attributes
 * masquerade_address, passive_ports, certfile, permit_foreign_addresses; FileZilla Server's
 * "Passive mode" settings page (filezillapro.com/docs/server/advanced-options/filezilla-server-passive-mode:
 * "Use the following host", "Use custom port range"); IIS's settings schema on learn.microsoft.com
 * (site ftpServer/firewallSupport externalIp4Address; system.ftpServer/firewallSupport
 * lowDataChannelPort/highDataChannelPort; ftpServer/security/ssl; ftpServer/security/dataChannelSecurity
 * matchClientAddressForPort); the reference server's own flags (ftpdoctor serve).
 */

interface ServerSettings {
  /** How to advertise the public address in 227 replies: words, and a config example if it has a file. */
  pasvAddress(address: string): { words: string; example?: string };
  /** The setting that limits the passive port range. */
  passiveRange: string;
  /** How to turn on explicit FTPS. */
  enableTls: string;
  /** How to stop requiring TLS session reuse on data connections, where the server has a switch. */
  relaxTlsReuse?: { words: string; example: string };
  /** Where active mode (PORT/EPRT) is turned off or limited. */
  activeMode: string;
}

const SETTINGS: Record<ServerSoftwareName, ServerSettings> = {
  vsftpd: {
    pasvAddress: (a) => ({ words: `vsftpd pasv_address=${a}`, example: `# vsftpd.conf\npasv_address=${a}` }),
    passiveRange: 'vsftpd pasv_min_port/pasv_max_port',
    enableTls: 'vsftpd ssl_enable=YES',
    relaxTlsReuse: { words: 'vsftpd require_ssl_reuse=NO', example: '# vsftpd.conf\nrequire_ssl_reuse=NO' },
    activeMode: 'vsftpd port_enable=NO turns it off',
  },
  proftpd: {
    pasvAddress: (a) => ({
      words: `proftpd MasqueradeAddress ${a}`,
      example: `# proftpd.conf\nMasqueradeAddress ${a}`,
    }),
    passiveRange: 'proftpd PassivePorts',
    enableTls: 'proftpd mod_tls TLSEngine on',
    relaxTlsReuse: {
      words: 'proftpd TLSOptions NoSessionReuseRequired',
      example: '# proftpd.conf (mod_tls)\nTLSOptions NoSessionReuseRequired',
    },
    activeMode: 'a proftpd <Limit EPRT PORT> block limits it',
  },
  'pure-ftpd': {
    pasvAddress: (a) => ({ words: `pure-ftpd -P ${a}`, example: `# pure-ftpd\npure-ftpd -P ${a}` }),
    passiveRange: 'pure-ftpd -p (--passiveportrange)',
    enableTls: 'pure-ftpd --tls=1',
    activeMode: "pure-ftpd refuses PORT to an address other than the client's",
  },
  pyftpdlib: {
    pasvAddress: (a) => ({
      words: `pyftpdlib handler.masquerade_address = '${a}'`,
      example: `# pyftpdlib server script\nhandler.masquerade_address = '${a}'`,
    }),
    passiveRange: 'pyftpdlib handler.passive_ports',
    enableTls: 'pyftpdlib TLS_FTPHandler with handler.certfile',
    activeMode:
      "pyftpdlib refuses PORT to an address other than the client's unless handler.permit_foreign_addresses = True",
  },
  'filezilla-server': {
    pasvAddress: (a) => ({
      words: `FileZilla Server, Passive mode settings: "Use the following host" ${a}`,
    }),
    passiveRange: 'FileZilla Server, Passive mode settings: "Use custom port range"',
    enableTls: 'FileZilla Server: FTP over TLS settings of the listener',
    activeMode: 'FileZilla Server limits it in its FTP settings',
  },
  iis: {
    pasvAddress: (a) => ({
      words: `IIS FTP Firewall Support: External IP Address of Firewall ${a} (site ftpServer/firewallSupport externalIp4Address)`,
      example: `%windir%\\system32\\inetsrv\\appcmd set site "FTP SITE NAME" /ftpServer.firewallSupport.externalIp4Address:${a}`,
    }),
    passiveRange:
      'IIS FTP Firewall Support: Data Channel Port Range (system.ftpServer/firewallSupport lowDataChannelPort/highDataChannelPort)',
    enableTls: 'IIS FTP SSL Settings (ftpServer/security/ssl)',
    activeMode: 'IIS ftpServer/security/dataChannelSecurity matchClientAddressForPort refuses PORT to another address',
  },
  'ftpdoctor-reference': {
    pasvAddress: (a) => ({
      words: `ftpdoctor serve --pasv-address ${a}`,
      example: `ftpdoctor serve --pasv-address ${a}`,
    }),
    passiveRange: 'ftpdoctor serve --pasv-range',
    enableTls: 'ftpdoctor serve with its TLS certificate',
    activeMode: 'the reference server accepts PORT/EPRT to the client only',
  },
};

/** The servers advice names when the software was not recognised (most used first). */
const COMMON: ServerSoftwareName[] = ['vsftpd', 'proftpd', 'pure-ftpd', 'pyftpdlib', 'filezilla-server', 'iis'];

export interface ServerAdvice {
  /** "vsftpd pasv_address=…" for the recognised server, else each common server's setting, "; "-joined. */
  pasvAddress(address: string): string;
  /** Config examples for the public passive address (recognised server, else the file-configured ones). */
  pasvAddressExample(address: string): string | undefined;
  passiveRange: string;
  enableTls: string;
  relaxTlsReuse: { words: string; example: string } | undefined;
  activeMode: string;
}

export function serverAdvice(software: ServerSoftware | undefined): ServerAdvice {
  const names = software ? [software.name] : COMMON;
  const all = names.map((n) => SETTINGS[n]);
  const join = (parts: Array<string | undefined>): string => parts.filter((p) => p !== undefined).join('; ');
  const reuse = all.map((s) => s.relaxTlsReuse).filter((r) => r !== undefined);
  const examples = (address: string) =>
    all.map((s) => s.pasvAddress(address).example).filter((e): e is string => e !== undefined);
  return {
    pasvAddress: (address) => join(all.map((s) => s.pasvAddress(address).words)),
    pasvAddressExample: (address) => (examples(address).length ? examples(address).join('\n') : undefined),
    passiveRange: join(all.map((s) => s.passiveRange)),
    enableTls: join(all.map((s) => s.enableTls)),
    relaxTlsReuse: reuse.length
      ? { words: join(reuse.map((r) => r.words)), example: reuse.map((r) => r.example).join('\n') }
      : undefined,
    activeMode: join(all.map((s) => s.activeMode)),
  };
}
