import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { LAB_TMP } from '../netns.js';

/**
 * proftpd and pure-ftpd as test/lab/install-servers.sh unpacks them (they conflict with vsftpd as
 * Debian packages, so they are extracted, not installed).
 */
export const UNPACKED_ROOT = join(process.env.FTPDOCTOR_LAB_SERVERS ?? join(LAB_TMP, 'servers'), 'root');

export const unpackedEnv: NodeJS.ProcessEnv = {
  ...process.env,
  LD_LIBRARY_PATH: [join(UNPACKED_ROOT, 'usr/lib/x86_64-linux-gnu'), join(UNPACKED_ROOT, 'lib/x86_64-linux-gnu')].join(
    ':',
  ),
};

export function unpackedPath(relative: string): string {
  return join(UNPACKED_ROOT, relative);
}

/** Why an unpacked server cannot run here, or undefined when it can. */
export function unpackedMissing(relative: string): string | undefined {
  try {
    accessSync(unpackedPath(relative), constants.X_OK);
    return undefined;
  } catch {
    return `${unpackedPath(relative)} is missing: run test/lab/install-servers.sh`;
  }
}
