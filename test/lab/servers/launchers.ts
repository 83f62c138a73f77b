import { accessSync, constants } from 'node:fs';
import type { ServerKind, ServerLauncher } from '../lab-server.js';
import { PROFTPD_BINARY, startProftpd } from './proftpd.js';
import { PURE_FTPD_BINARY, startPureFtpd } from './pure-ftpd.js';
import { PYFTPDLIB_MODULE, startPyftpdlib } from './pyftpdlib.js';
import { CLI, startReference } from './reference.js';
import { unpackedMissing } from './unpacked.js';
import { VSFTPD_BINARY, startVsftpd } from './vsftpd.js';

export const launchers: Record<ServerKind, ServerLauncher> = {
  reference: startReference,
  vsftpd: startVsftpd,
  proftpd: startProftpd,
  'pure-ftpd': startPureFtpd,
  pyftpdlib: startPyftpdlib,
};

export const ALL_SERVERS: ServerKind[] = ['reference', 'vsftpd', 'proftpd', 'pure-ftpd', 'pyftpdlib'];

function fileMissing(path: string, hint: string): string | undefined {
  try {
    accessSync(path, constants.R_OK);
    return undefined;
  } catch {
    return `${path} is missing: ${hint}`;
  }
}

/** Why a server cannot be started here (binary not built or not unpacked), or undefined. */
export function serverMissing(kind: ServerKind): string | undefined {
  switch (kind) {
    case 'reference':
      return fileMissing(CLI, 'run npm run build');
    case 'vsftpd':
      return fileMissing(VSFTPD_BINARY, 'install the vsftpd package');
    case 'proftpd':
      return unpackedMissing(PROFTPD_BINARY);
    case 'pure-ftpd':
      return unpackedMissing(PURE_FTPD_BINARY);
    case 'pyftpdlib':
      return fileMissing(PYFTPDLIB_MODULE, 'install the python3-pyftpdlib and python3-openssl packages');
  }
}
