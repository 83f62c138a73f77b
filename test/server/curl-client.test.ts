import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_README, demoBinary } from '../../src/server/index.js';
import { runTool } from './external-tool.js';
import { serverPool } from './test-servers.js';

const start = serverPool();
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
const CURL_BASE = ['-sS', '--max-time', '10'];

describe('curl against the reference server', () => {
  it('lists a directory in passive mode (PASV)', async () => {
    const s = await start();
    const r = await runTool('curl', [...CURL_BASE, '--disable-epsv', `ftp://127.0.0.1:${s.port}/pub/`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^-r--r--r-- 1 ftp ftp +21 .* hello\.txt\r?$/m);
    expect(r.stdout.toString()).toContain('sample-1MiB.bin');
  });

  it('downloads byte-exact content over EPSV', async () => {
    const s = await start();
    const r = await runTool('curl', [...CURL_BASE, `ftp://127.0.0.1:${s.port}/pub/sample-1MiB.bin`]);
    expect(r.code).toBe(0);
    expect(md5(r.stdout)).toBe(md5(demoBinary()));
  });

  it('resumes a download from an offset (REST)', async () => {
    const s = await start();
    const r = await runTool('curl', [...CURL_BASE, '-C', '1000', `ftp://127.0.0.1:${s.port}/pub/sample-1MiB.bin`]);
    expect(r.code).toBe(0);
    expect(md5(r.stdout)).toBe(md5(demoBinary().subarray(1000)));
  });

  it('downloads in active mode (EPRT/PORT from --ftp-port)', async () => {
    const log: string[] = [];
    const s = await start({ activeSourcePort: 0, log: (line) => log.push(line) });
    const r = await runTool('curl', [...CURL_BASE, '--ftp-port', '127.0.0.1', `ftp://127.0.0.1:${s.port}/README.txt`]);
    expect(r.code).toBe(0);
    expect(log.some((l) => / > EPRT \|1\|127\.0\.0\.1\|\d+\|$/.test(l))).toBe(true);
    expect(r.stdout.toString()).toBe(DEMO_README);
  });

  it('lists over IPv6 with EPSV and EPRT', async () => {
    const s = await start({ host: '::1' });
    const passive = await runTool('curl', [...CURL_BASE, `ftp://[::1]:${s.port}/pub/`]);
    expect(passive.code).toBe(0);
    expect(passive.stdout.toString()).toContain('hello.txt');
    const active = await runTool('curl', [...CURL_BASE, '--ftp-port', '::1', `ftp://[::1]:${s.port}/pub/hello.txt`]);
    expect(active.code).toBe(0);
    expect(active.stdout.toString()).toBe('hello from ftpdoctor\n');
  });

  it('lists and downloads with TLS on control and data (AUTH TLS, PROT P)', async () => {
    const s = await start({ requireTlsReuse: true });
    const list = await runTool('curl', [...CURL_BASE, '-k', '--ssl-reqd', `ftp://127.0.0.1:${s.port}/pub/`]);
    expect(list.code).toBe(0);
    expect(list.stdout.toString()).toContain('hello.txt');
    const tls12 = await runTool('curl', [
      ...CURL_BASE,
      '-k',
      '--ssl-reqd',
      '--tls-max',
      '1.2',
      `ftp://127.0.0.1:${s.port}/pub/sample-1MiB.bin`,
    ]);
    expect(tls12.code).toBe(0);
    expect(md5(tls12.stdout)).toBe(md5(demoBinary()));
  });

  it('gets no data without TLS session reuse when reuse is required (curl --no-sessionid)', async () => {
    const s = await start({ requireTlsReuse: true });
    const r = await runTool('curl', [
      ...CURL_BASE,
      '-k',
      '--ssl-reqd',
      '--no-sessionid',
      `ftp://127.0.0.1:${s.port}/pub/hello.txt`,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stdout.length).toBe(0);
    const optional = await start({ requireTlsReuse: false });
    const ok = await runTool('curl', [
      ...CURL_BASE,
      '-k',
      '--ssl-reqd',
      '--no-sessionid',
      `ftp://127.0.0.1:${optional.port}/pub/hello.txt`,
    ]);
    expect(ok.code).toBe(0);
  });

  it('speaks implicit FTPS on its own listener', async () => {
    const s = await start({ implicitPort: 0 });
    expect(s.implicitPort).toBeGreaterThan(0);
    const r = await runTool('curl', [...CURL_BASE, '-k', `ftps://127.0.0.1:${s.implicitPort}/pub/hello.txt`]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('hello from ftpdoctor\n');
  });

  it('uploads only when writable', async () => {
    const readOnly = await start();
    const refused = await runTool('curl', [
      ...CURL_BASE,
      '-v',
      '-T',
      '-',
      `ftp://127.0.0.1:${readOnly.port}/upload/x.txt`,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/< 550 /);
    const writable = await start({ writable: true });
    const put = await runTool('curl', [
      ...CURL_BASE,
      '-T',
      '/etc/hostname',
      `ftp://127.0.0.1:${writable.port}/upload/x.txt`,
    ]);
    expect(put.code).toBe(0);
    const get = await runTool('curl', [...CURL_BASE, `ftp://127.0.0.1:${writable.port}/upload/x.txt`]);
    const { readFileSync } = await import('node:fs');
    expect(get.stdout.equals(readFileSync('/etc/hostname'))).toBe(true);
  });
});
