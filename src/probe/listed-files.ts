/**
 * The files a directory listing names, with their sizes, for choosing what to download when the
 * user named nothing. Two formats cover nearly every server: Unix `ls -l` (vsftpd, proftpd,
 * pure-ftpd, the reference server; a plain file's line starts with "-") and the DOS format of IIS
 * ("01-31-24  10:15AM  1234 name"). Pure: text in, files out.
 */

const UNIX = /^-\S{9}\S*\s+\d+\s+\S+\s+\S+\s+(\d+)\s+\w{3}\s+\d{1,2}\s+[\d:]{4,5}\s(.+)$/;
const DOS = /^\d{2}-\d{2}-\d{2,4}\s+\d{1,2}:\d{2}[AP]M\s+(\d+)\s(.+)$/i;

export interface ListedFile {
  name: string;
  size: number;
}

export function listedFiles(listing: string): ListedFile[] {
  return listing.split(/\r?\n/).flatMap((line) => {
    const m = UNIX.exec(line) ?? DOS.exec(line);
    return m?.[1] && m[2] ? [{ name: m[2].trim(), size: Number(m[1]) }] : [];
  });
}

/** The largest non-empty file of at most maxBytes, or undefined. */
export function largestFileUpTo(listing: string, maxBytes: number): ListedFile | undefined {
  return listedFiles(listing)
    .filter((f) => f.size > 0 && f.size <= maxBytes && Number.isSafeInteger(f.size))
    .sort((a, b) => b.size - a.size)[0];
}
