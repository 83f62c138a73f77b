import { describe, expect, it } from 'vitest';
import { decodeEpsvReply } from '../../src/ftp/host-port.js';
import { DemoTree } from '../../src/server/demo-tree.js';
import { ListingCache } from '../../src/server/listing-cache.js';
import { renderListing, type ListingFormat } from '../../src/server/listing.js';
import type { FileEntry } from '../../src/server/virtual-fs.js';
import { ControlClient, connectData, readAll } from './control-client.js';
import { serverPool } from './test-servers.js';

const start = serverPool();
const DAY_MS = 24 * 3600 * 1000;
const SIX_MONTHS_MS = 182 * DAY_MS;
const mtime = new Date('2026-01-01T00:00:00Z');
const entry: FileEntry = { name: 'a.txt', type: 'file', size: 5, mtime, writable: false };

describe('rendered listings', () => {
  it.each<[ListingFormat, string]>([
    ['LIST', '-r--r--r-- 1 ftp ftp            5 Jan  1 00:00 a.txt\r\n'],
    ['NLST', 'a.txt\r\n'],
    ['MLSD', 'type=file;size=5;modify=20260101000000;perm=r; a.txt\r\n'],
  ])('%s renders CRLF lines', (format, text) => {
    expect(renderListing(format, [entry], mtime.getTime() + DAY_MS).bytes.toString('utf8')).toBe(text);
  });

  it.each<[string, number, number]>([
    // a recent date shows the time until it is six months old, then the year
    ['recent entry', mtime.getTime() + DAY_MS, mtime.getTime() + SIX_MONTHS_MS],
    // a date in the future beyond six months shows the year until it comes within six months
    ['far-future entry', mtime.getTime() - SIX_MONTHS_MS - DAY_MS, mtime.getTime() - SIX_MONTHS_MS],
    // an old entry never changes form again
    ['old entry', mtime.getTime() + SIX_MONTHS_MS + DAY_MS, Infinity],
  ])('a LIST of a %s stays valid until its date changes form', (_, now, until) => {
    expect(renderListing('LIST', [entry], now).validUntil).toBe(until);
  });

  it.each<ListingFormat>(['NLST', 'MLSD'])('%s does not depend on the time', (format) => {
    expect(renderListing(format, [entry], mtime.getTime()).validUntil).toBe(Infinity);
  });

  it('renders a LIST again once a date changes form, with the same text as a fresh rendering', async () => {
    const cache = new ListingCache(new DemoTree(false, 1024));
    // the demo tree's files are dated 2024-01-01 00:00 UTC
    const turn = Date.parse('2024-01-01T00:00:00Z') + SIX_MONTHS_MS;
    const first = await cache.listing('LIST', '/pub', turn - 1);
    expect(first.toString('utf8')).toContain(' Jan  1 00:00 hello.txt');
    expect(await cache.listing('LIST', '/pub', turn - 1)).toBe(first);
    const later = await cache.listing('LIST', '/pub', turn);
    expect(later.toString('utf8')).toContain(' Jan  1  2024 hello.txt');
    expect(later).toEqual(renderListing('LIST', await new DemoTree(false, 1024).list('/pub'), turn).bytes);
  });
});

describe('listings of the built-in tree after an upload', () => {
  it('show the uploaded file in the very next LIST', async () => {
    const s = await start({ writable: true });
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    expect((await client.login()).code).toBe(230);
    const transfer = async (command: string, upload?: string): Promise<string> => {
      const epsv = decodeEpsvReply((await client.send('EPSV')).text);
      if (!epsv.ok) throw new Error(epsv.reason);
      const data = await connectData('127.0.0.1', epsv.value.port);
      const received = readAll(data);
      expect((await client.send(command)).code).toBe(150);
      if (upload !== undefined) data.end(upload);
      expect((await client.next()).code).toBe(226);
      return (await received).toString('utf8');
    };
    expect(await transfer('NLST /upload')).toBe('');
    await transfer('STOR /upload/new.txt', 'fresh\n');
    expect(await transfer('NLST /upload')).toBe('new.txt\r\n');
    expect(await transfer('LIST /upload')).toMatch(/^-rw-r--r-- 1 ftp ftp +6 .* new\.txt\r\n$/);
    client.close();
  });
});
