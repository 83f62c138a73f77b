import { describe, expect, it } from 'vitest';
import { planCheck } from '../../src/cli/check-plan.js';
import { parseFingerprint } from '../../src/cli/flag-values.js';
import { reportFileName } from '../../src/cli/interactive-start.js';
import { defaultSettings } from '../../src/probe/index.js';

const PIN = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':');

describe('--trust-fingerprint', () => {
  it('takes the fingerprint as openssl, FileZilla or ftpdoctor print it, and refuses anything else', () => {
    expect(parseFingerprint(PIN.toLowerCase())).toEqual({ ok: true, value: PIN });
    expect(parseFingerprint(PIN.replaceAll(':', ''))).toEqual({ ok: true, value: PIN });
    expect(parseFingerprint(`sha256 Fingerprint=${PIN}`)).toEqual({ ok: true, value: PIN });
    expect(parseFingerprint(PIN.slice(3))).toMatchObject({ ok: false, message: /not a SHA-256 fingerprint/ });
  });

  it('goes into the settings, and excludes --insecure and plain FTP', () => {
    const plan = (flags: Parameters<typeof planCheck>[1]) =>
      planCheck(
        { host: 'ftp.example.com' },
        flags,
        { ...defaultSettings('ftp.example.com'), tls: 'auto' },
        {
          noColor: false,
        },
      );
    expect(plan({ trustFingerprint: PIN })).toMatchObject({ ok: true, plan: { settings: { trustFingerprint: PIN } } });
    expect(plan({ trustFingerprint: PIN, insecure: true })).toMatchObject({ ok: false, message: /exclude each other/ });
    expect(plan({ trustFingerprint: PIN, tls: false })).toMatchObject({ ok: false, message: /needs TLS/ });
  });
});

describe('the report file the no-argument start offers to save', () => {
  it('names the server and the minute, in characters every file system takes', () => {
    expect(reportFileName('ftp.example.com', new Date('2026-12-02T01:05:09Z'))).toBe(
      'ftpdoctor-report-ftp.example.com-20261202-0105.json',
    );
    expect(reportFileName('2001:db8::1', new Date('2026-12-02T01:05:09Z'))).toBe(
      'ftpdoctor-report-2001_db8__1-20261202-0105.json',
    );
  });
});
