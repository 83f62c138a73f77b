import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAddressFlag, parseAddressesFlag, parseAddressList } from '../../src/cli/address-list.js';

describe('--addresses and --address', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-addresses-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a comma list, brackets around IPv6 allowed, duplicates once', () => {
    expect(parseAddressList('203.0.113.10, [2001:db8::10],203.0.113.10')).toEqual({
      ok: true,
      value: ['203.0.113.10', '2001:db8::10'],
    });
  });

  it('reads @file with lines, spaces and # comments', () => {
    const file = join(dir, 'published.txt');
    writeFileSync(file, '# provider list\n203.0.113.10\n203.0.113.11 203.0.113.12 # pool b\n\n');
    expect(parseAddressesFlag(`@${file}`)).toEqual({
      ok: true,
      value: ['203.0.113.10', '203.0.113.11', '203.0.113.12'],
    });
  });

  it('names what is wrong: a host name, an empty list, a missing file', () => {
    expect(parseAddressList('203.0.113.10,ftp.example.com')).toEqual({
      ok: false,
      message: '--addresses: "ftp.example.com" is not an IPv4 or IPv6 address',
    });
    expect(parseAddressList(' , ')).toEqual({ ok: false, message: '--addresses names no address' });
    const missing = parseAddressesFlag(`@${join(dir, 'nope.txt')}`);
    expect(missing.ok ? '' : missing.message).toMatch(/cannot read .*nope\.txt \(ENOENT\)/);
    expect(parseAddressFlag('2001:db8::1')).toEqual({ ok: true, value: '2001:db8::1' });
    expect(parseAddressFlag('host').ok).toBe(false);
  });
});
