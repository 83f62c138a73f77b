import { describe, expect, it } from 'vitest';
import { largestFileUpTo, listedFiles } from '../../src/probe/listed-files.js';

describe('the files a listing names', () => {
  it('reads Unix ls -l lines (vsftpd, proftpd, pure-ftpd) and skips directories and links', () => {
    const listing = [
      'drwxr-xr-x    2 0        0            4096 Nov 20 10:30 pub',
      '-rw-r--r--    1 0        0              19 Nov 20 10:30 readme.txt',
      '-rw-r--r--    1 ftp      ftp       1048576 Jan  3  2024 big file.bin',
      'lrwxrwxrwx    1 0        0               7 Nov 20 10:30 link -> pub',
    ].join('\r\n');
    expect(listedFiles(listing)).toEqual([
      { name: 'readme.txt', size: 19 },
      { name: 'big file.bin', size: 1048576 },
    ]);
  });

  it('reads the DOS format of IIS', () => {
    expect(
      listedFiles('01-31-24  10:15AM       <DIR>          logs\r\n01-31-24  10:16AM              2048 data.csv'),
    ).toEqual([{ name: 'data.csv', size: 2048 }]);
  });

  it('picks the largest non-empty file within the bound', () => {
    const listing = [
      '-rw-r--r-- 1 a a 0 Jan 1 2024 empty',
      '-rw-r--r-- 1 a a 900 Jan 1 2024 fits',
      '-rw-r--r-- 1 a a 5000 Jan 1 2024 too-big',
    ].join('\n');
    expect(largestFileUpTo(listing, 1000)).toEqual({ name: 'fits', size: 900 });
    expect(largestFileUpTo(listing, 100)).toBeUndefined();
  });
});
