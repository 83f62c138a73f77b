/**
 * Which FTP server software answered (recognised by src/probe/server-software.ts from the greeting,
 * SYST and FEAT) and its display names: the advice names each server's own setting.
 */

export type ServerSoftwareName =
  'vsftpd' | 'proftpd' | 'pure-ftpd' | 'pyftpdlib' | 'filezilla-server' | 'iis' | 'ftpdoctor-reference';

export interface ServerSoftware {
  name: ServerSoftwareName;
  version?: string;
  /** named: the server gave its name (greeting or SYST); inferred: recognised from its FEAT reply's shape. */
  confidence: 'named' | 'inferred';
  /** The reply lines that decided, quoted. */
  evidence: string[];
}

/** Display names, as each project writes its own. */
export const SOFTWARE_LABEL: Record<ServerSoftwareName, string> = {
  vsftpd: 'vsftpd',
  proftpd: 'ProFTPD',
  'pure-ftpd': 'Pure-FTPd',
  pyftpdlib: 'pyftpdlib',
  'filezilla-server': 'FileZilla Server',
  iis: 'Microsoft FTP Service (IIS)',
  'ftpdoctor-reference': 'ftpdoctor reference server',
};
