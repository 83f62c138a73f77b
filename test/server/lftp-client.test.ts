import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { demoBinary } from '../../src/server/index.js';
import { runTool } from './external-tool.js';
import { serverPool } from './test-servers.js';

const start = serverPool();
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

/** lftp settings: fail fast instead of retrying for minutes; modes set per test. */
const BASE = ['set net:max-retries 1', 'set net:timeout 5', 'set net:reconnect-interval-base 1'];
const PASSIVE = ['set ftp:passive-mode on', 'set ftp:ssl-allow no'];
// auto-passive-mode would silently fall back to passive after a refused PORT (docs/measured-behaviour.md)
const ACTIVE = ['set ftp:passive-mode off', 'set ftp:auto-passive-mode off', 'set ftp:ssl-allow no'];
const TLS = [
  'set ftp:ssl-force yes',
  'set ftp:ssl-protect-data yes',
  'set ftp:ssl-protect-list yes',
  'set ssl:verify-certificate no',
];

function lftp(port: number, settings: string[], commands: string[]) {
  const script = [
    ...BASE,
    ...settings,
    `open -u anonymous,probe@example.org ftp://127.0.0.1:${port}`,
    ...commands,
  ].join('; ');
  return runTool('lftp', ['-c', script], 20_000);
}

describe('lftp against the reference server', () => {
  it('lists and downloads in passive mode', async () => {
    const s = await start();
    const r = await lftp(s.port, PASSIVE, ['cls -l /pub', 'cat /pub/hello.txt']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('hello.txt');
    expect(r.stdout.toString()).toContain('hello from ftpdoctor\n');
  });

  it('downloads byte-exact in active mode (PORT) with passive fallback off', async () => {
    const log: string[] = [];
    const s = await start({ activeSourcePort: 0, log: (line) => log.push(line) });
    const r = await lftp(s.port, ACTIVE, ['cat /pub/sample-1MiB.bin']);
    expect(r.code).toBe(0);
    expect(log.some((l) => / > (PORT|EPRT) /.test(l))).toBe(true);
    expect(log.some((l) => / > (PASV|EPSV)/.test(l))).toBe(false);
    expect(md5(r.stdout)).toBe(md5(demoBinary()));
  });

  it('lists and downloads over explicit FTPS with protected data, passive and active, reuse required', async () => {
    const s = await start({ requireTlsReuse: true, activeSourcePort: 0 });
    const passive = await lftp(s.port, [...TLS, 'set ftp:passive-mode on'], ['cls /pub', 'cat /pub/hello.txt']);
    expect(passive.stderr).toBe('');
    expect(passive.code).toBe(0);
    expect(passive.stdout.toString()).toContain('hello from ftpdoctor\n');
    const active = await lftp(
      s.port,
      [...TLS, 'set ftp:passive-mode off', 'set ftp:auto-passive-mode off'],
      ['cat /pub/hello.txt'],
    );
    expect(active.stderr).toBe('');
    expect(active.stdout.toString()).toBe('hello from ftpdoctor\n');
  });

  it('reports the 550 of a traversal attempt', async () => {
    const s = await start();
    const r = await lftp(s.port, PASSIVE, ['cat ../../etc/passwd', 'exit']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/550/);
    expect(r.stdout.length).toBe(0);
  });
});
