import { describeIf, missing } from '../requirements.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultSettings, runProbe } from '../../src/probe/index.js';
import { diagnose } from '../../src/diagnosis/index.js';
import { dataPath, EVERY_PATH_OPEN_UNDER_TLS_AUTO } from './data-paths.js';
import { freePortBlock } from './free-ports.js';

const VSFTPD = '/usr/sbin/vsftpd';
const needs = missing({ linux: true, root: true, programs: [VSFTPD] });

/**
 * A real vsftpd on loopback with its Debian defaults that matter here: require_ssl_reuse=YES, and
 * `ssl_ciphers` as given (undefined: vsftpd's own default). Returns the control port's accessor.
 */
function useVsftpd(sslCiphers: string | undefined): () => number {
  let dir = '';
  let child: ChildProcess | undefined;
  let port = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpdoctor-vsftpd-'));
    const [controlPort] = await freePortBlock(1);
    const [pasvFrom, pasvTo] = await freePortBlock(10);
    port = controlPort;
    await mkdir(join(dir, 'anon'));
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'anon', 'readme.txt'), 'hello\n');
    await chmod(join(dir, 'anon'), 0o555);
    const { cert, key } = await selfSignedPem();
    await writeFile(join(dir, 'cert.pem'), cert);
    await writeFile(join(dir, 'key.pem'), key);
    const config = [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${controlPort}`,
      'background=NO',
      'anonymous_enable=YES',
      `anon_root=${join(dir, 'anon')}`,
      'no_anon_password=YES',
      'local_enable=NO',
      'write_enable=NO',
      `pasv_min_port=${pasvFrom}`,
      `pasv_max_port=${pasvTo}`,
      'connect_from_port_20=NO',
      'ssl_enable=YES',
      'allow_anon_ssl=YES',
      'force_anon_data_ssl=NO',
      'force_anon_logins_ssl=NO',
      'require_ssl_reuse=YES',
      ...(sslCiphers === undefined ? [] : [`ssl_ciphers=${sslCiphers}`]),
      `rsa_cert_file=${join(dir, 'cert.pem')}`,
      `rsa_private_key_file=${join(dir, 'key.pem')}`,
      `secure_chroot_dir=${join(dir, 'empty')}`,
      'seccomp_sandbox=NO',
      'xferlog_enable=NO',
    ].join('\n');
    await writeFile(join(dir, 'vsftpd.conf'), `${config}\n`);
    child = spawn(VSFTPD, [join(dir, 'vsftpd.conf')], { stdio: 'ignore' });
    await waitForListener(controlPort, 5000);
  });

  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => port;
}

describeIf(needs)('probe against a real vsftpd on loopback', () => {
  const vsftpdPort = useVsftpd('HIGH');

  it('finds every data path working, in plain text and under TLS with session reuse', async () => {
    const log = await probeVsftpd(vsftpdPort(), 'auto');
    expect(log.control.greeting?.reply?.text).toMatch(/vsFTPd/);
    expect(log.tls?.established).toBe(true);
    expect(log.serverView).toBeUndefined();
    expect(log.passive.map(dataPath)).toEqual(EVERY_PATH_OPEN_UNDER_TLS_AUTO.passive);
    expect(log.active.map(dataPath)).toEqual(EVERY_PATH_OPEN_UNDER_TLS_AUTO.active);
    // require_ssl_reuse=YES would answer 522 to a data connection that did not resume the session.
    expect(log.passive[0]?.connections[0]?.tls?.sessionReused).toBe(true);
    expect(log.active[0]?.tls?.sessionReused).toBe(true);
    // The policy itself, probed: a data connection with a fresh TLS session is refused.
    expect(log.tlsReuse?.fresh.connections[0]?.tls?.sessionReused).toBe(false);
    expect(log.tlsReuse?.fresh.listReplies.at(-1)?.text).toMatch(/^522 SSL connection failed: session reuse required/);
    // Per version (measured, vsftpd 3.0.3 with OpenSSL 3): three resumed data connections in a row work
    // under TLS 1.3 and 1.2 alike, and a fresh session is refused under both.
    const versions = log.tlsReuse?.versions ?? [];
    expect(versions.map((v) => `${v.version}/${v.learntBy}/${v.offered}`)).toEqual([
      'TLSv1.3/check-session/true',
      'TLSv1.2/pinned-session/true',
    ]);
    for (const v of versions)
      expect(v.series?.map((a) => `${a.outcome}:${a.connections[0]?.tls?.sessionReused}`)).toEqual([
        'ok:true',
        'ok:true',
        'ok:true',
      ]);
    expect(versions[1]?.fresh?.listReplies.at(-1)?.text).toMatch(/^522 SSL connection failed: session reuse required/);
    const d = diagnose(log, { require: ['passive'] });
    const reuse = d.findings.find((f) => f.code === 'TLS_SESSION_REUSE_REQUIRED');
    expect(reuse?.severity).toBe('warning');
    expect(reuse?.rule).toMatch(/\.NET SslStream/);
    expect(d.channels.tls.summary).toMatch(/requires data connections to resume the TLS session/);
  });
});

/**
 * vsftpd's default ssl_ciphers, DES-CBC3-SHA (vsftpd.conf(5)), is no cipher Node's OpenSSL 3 offers:
 * a TLS 1.2 handshake ends in "alert handshake failure" (measured here), while TLS 1.3 suites are
 * not set by ssl_ciphers and work. So capping a client at TLS 1.2 does not help against this server.
 */
describeIf(needs)('probe against a real vsftpd on loopback with its default ssl_ciphers', () => {
  const vsftpdPort = useVsftpd(undefined);

  it('finds TLS 1.3 requiring reuse and no TLS 1.2 session, and says capping at 1.2 does not help', async () => {
    const log = await probeVsftpd(vsftpdPort(), 'explicit');
    expect(log.tls?.protocol).toBe('TLSv1.3');
    const [, v12] = log.tlsReuse?.versions ?? [];
    expect(v12).toMatchObject({ version: 'TLSv1.2', learntBy: 'pinned-session', error: { code: 'E_TLS' } });
    expect(v12?.offered).toBeUndefined();
    expect(v12?.error?.message).toMatch(/alert handshake failure/);
    const d = diagnose(log, { require: ['passive'] });
    expect(d.channels.tls.summary).toMatch(/a TLS 1\.2 session failed \(ssl\/tls alert handshake failure\)/);
    const reuse = d.findings.find((f) => f.code === 'TLS_SESSION_REUSE_REQUIRED');
    expect(reuse?.rule).toMatch(/does not complete a TLS 1\.2 session .*does not help here/);
  });
});

/** A quick check of the loopback vsftpd: no sweep, one passive sample, short waits, its self-signed certificate accepted. */
function probeVsftpd(port: number, tls: 'auto' | 'explicit'): ReturnType<typeof runProbe> {
  return runProbe(
    {
      ...defaultSettings('127.0.0.1'),
      port,
      tls,
      insecure: true,
      sweep: 'off',
      pasvSamples: 1,
      activePorts: [0, 0],
      stepTimeoutMs: 3000,
      timeoutMs: 30_000,
    },
    {},
  );
}

async function selfSignedPem(): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', algorithm: 'sha256' });
  return { cert: pems.cert, key: pems.private };
}

async function waitForListener(port: number, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`vsftpd did not listen on 127.0.0.1:${port} within ${withinMs} ms`);
}
