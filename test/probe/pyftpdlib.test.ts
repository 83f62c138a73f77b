import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { defaultSettings, runProbe } from '../../src/probe/index.js';
import type { ProbeSettings } from '../../src/observation/index.js';
import { makeSelfSignedCert, type TlsFiles } from '../lab/tls-cert.js';
import { dataPath, EVERY_PATH_OPEN_UNDER_TLS_AUTO } from './data-paths.js';
import { freePortBlock } from './free-ports.js';
import { pyftpdlibAvailable, startPyftpdlib, type PyftpdlibProcess } from './pyftpdlib-process.js';

/**
 * Real pyftpdlib (Debian python3-pyftpdlib 1.5.7) on loopback: it connects in active mode while
 * handling PORT and answers LIST with 125, and under PROT P it closes a data connection whose
 * ClientHello arrives before it processed the transfer command.
 */
describe.runIf(pyftpdlibAvailable())('probe against a real pyftpdlib on loopback', () => {
  let dir = '';
  let tls: TlsFiles;
  const started: PyftpdlibProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpdoctor-pyftpdlib-'));
    await writeFile(join(dir, 'readme.txt'), 'hello\n');
    tls = await makeSelfSignedCert(dir, '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function start(extra: string[] = []): Promise<PyftpdlibProcess> {
    const [from, to] = await freePortBlock(10);
    const server = await startPyftpdlib(['--root', dir, '--passive-range', `${from}-${to}`, ...extra]);
    started.push(server);
    return server;
  }

  function settings(port: number, extra: Partial<ProbeSettings> = {}): ProbeSettings {
    return {
      ...defaultSettings('127.0.0.1'),
      port,
      sweep: 'off',
      pasvSamples: 1,
      activePorts: [0, 0],
      stepTimeoutMs: 3000,
      timeoutMs: 60_000,
      ...extra,
    };
  }

  it('plain FTP: active mode works although the server connects at PORT time and answers 125', async () => {
    const server = await start();
    const log = await runProbe(settings(server.port, { tls: 'off' }), {});
    expect(log.control.greeting?.reply?.text).toMatch(/^220 pyftpdlib/);
    expect(log.passive.map(dataPath)).toEqual(['PASV/clear/plain:ok', 'EPSV/clear/plain:ok']);
    const [active] = log.active;
    expect(active?.portReply?.text).toBe('200 Active data connection established.');
    expect(active?.listReplies.map((r) => r.code)).toEqual([125, 226]);
    expect(active?.inbound).toMatchObject({ arrived: true, connectedAt: 'port-command' });
    expect(log.active.map(dataPath)).toEqual(['PORT/clear/plain:ok']);
    const d = diagnose(log, { require: ['passive', 'active'] });
    expect(d.channels.active.status).toBe('ok');
    expect(d.verdict).toBe('ok');
  });

  it('FTPS (TLS_FTPHandler, self-signed): every data path works, private ones too', async () => {
    const server = await start(['--certfile', tls.certFile, '--keyfile', tls.keyFile]);
    const log = await runProbe(settings(server.port, { tls: 'auto', insecure: true }), {});
    expect(log.tls?.established).toBe(true);
    expect(log.passive.map(dataPath)).toEqual(EVERY_PATH_OPEN_UNDER_TLS_AUTO.passive);
    expect(log.active.map(dataPath)).toEqual(EVERY_PATH_OPEN_UNDER_TLS_AUTO.active);
    expect(log.active[0]?.tls).toMatchObject({ ok: true });
  });

  it('TLS required on data connections: clear data refused by policy, not "active mode refused"', async () => {
    const server = await start(['--certfile', tls.certFile, '--keyfile', tls.keyFile, '--tls-data-required']);
    const log = await runProbe(settings(server.port, { tls: 'auto', insecure: true }), {});
    const clear = log.active.find((a) => a.protection === 'clear');
    expect(clear?.portReply?.text).toBe('550 SSL/TLS required on the data channel.');
    expect(log.active.find((a) => a.protection === 'private')?.outcome).toBe('ok');
    const d = diagnose(log, { require: ['passive', 'active'] });
    expect(d.findings.map((f) => f.code)).not.toContain('ACTIVE_INBOUND_BLOCKED');
    expect(d.channels.active.status).toBe('ok');
  });

  it('TLS required on the control connection: a plain login is refused, and the advice is --tls', async () => {
    const server = await start(['--certfile', tls.certFile, '--keyfile', tls.keyFile, '--tls-control-required']);
    const log = await runProbe(settings(server.port, { tls: 'off' }), {});
    expect(log.login?.userReply?.text).toBe('550 SSL/TLS required on the control channel.');
    const login = diagnose(log, { require: ['passive'] }).findings.find((f) => f.code === 'LOGIN_FAILED');
    expect(login?.fix[0]).toMatch(/--tls/);
  });

  it('recognises the server software from its greeting', async () => {
    const server = await start();
    const log = await runProbe(settings(server.port, { tls: 'off' }), {});
    expect(log.serverSoftware).toMatchObject({ name: 'pyftpdlib', version: '1.5.7', confidence: 'named' });
  });
});
