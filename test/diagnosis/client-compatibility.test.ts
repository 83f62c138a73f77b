import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clientCompatibility, type ClientId, type ClientOutcome } from '../../src/diagnosis/client-compatibility.js';
import { hangWords } from '../../src/diagnosis/passive-hang.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { ObservationLog } from '../../src/observation/index.js';

/** "Will my client work?" over recorded runs: each client's outcome follows from what was observed. */

const DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function table(name: string): {
  outcomes: Record<ClientId, ClientOutcome>;
  result: ReturnType<typeof clientCompatibility>;
} {
  const log = JSON.parse(readFileSync(`${DIR}${name}.observation.json`, 'utf8')) as ObservationLog;
  const result = clientCompatibility(log, diagnose(log, { require: ['passive'] }));
  const outcomes = Object.fromEntries(result.clients.map((c) => [c.client, c.outcome])) as Record<
    ClientId,
    ClientOutcome
  >;
  return { outcomes, result };
}

describe('client compatibility', () => {
  it('says the share of hanging transfers in words (issue 18: 1,136 of 5,536 is about one in five)', () => {
    expect(hangWords(1136 / 5536)).toBe('about one transfer in five');
    expect(hangWords(0.5)).toBe('about one transfer in two');
    expect(hangWords(2302 / 5536)).toBe('about 42% of transfers');
    expect(hangWords(0.97)).toBe('nearly every transfer');
  });

  it('all clear in plain FTP: every client works but a browser, which has no FTP any more', () => {
    const { outcomes, result } = table('loopback-all-clear-plain');
    expect(outcomes).toEqual({
      filezilla: 'works',
      winscp: 'works',
      curl: 'works',
      lftp: 'works',
      'windows-ftp': 'works',
      dotnet: 'works',
      java: 'works',
      browser: 'will-not-work',
    });
    expect(result.passiveHang).toBeUndefined();
    for (const c of result.clients) expect(c.sources.length, c.client).toBeGreaterThan(0);
  });

  it('part of the range dropped: passive clients work sometimes, with the blocked share and active mode as the setting', () => {
    const { outcomes, result } = table('lab-reference-passive-range-partly-dropped');
    expect(result.passiveHang).toMatchObject({ blockedPorts: 2302, testedPorts: 5536, estimate: false });
    expect(result.passiveHang!.share).toBeCloseTo(2302 / 5536, 6);
    for (const id of ['filezilla', 'winscp', 'curl', 'lftp', 'dotnet'] as const)
      expect(outcomes[id], id).toBe('unreliable');
    const curl = result.clients.find((c) => c.client === 'curl')!;
    expect(curl.why).toContain('a retry succeeds by chance');
    expect(curl.setting).toContain('--ftp-port');
    // Java's default is active mode, which works here.
    expect(outcomes.java).toBe('works');
  });

  it('active inbound blocked: ftp.exe (active only) will not work; Java needs passive mode switched on', () => {
    const { outcomes, result } = table('netns-active-inbound-dropped');
    expect(outcomes['windows-ftp']).toBe('will-not-work');
    expect(outcomes.java).toBe('works-with-setting');
    expect(result.clients.find((c) => c.client === 'java')!.setting).toContain('enterLocalPassiveMode');
    expect(outcomes.curl).toBe('works');
  });

  it('whole passive range dropped: clients that fall back to active work, others need the setting', () => {
    const { outcomes } = table('lab-reference-passive-range-dropped');
    expect(outcomes.filezilla).toBe('works');
    expect(outcomes.winscp).toBe('works');
    expect(outcomes.curl).toBe('works-with-setting');
    expect(outcomes.lftp).toBe('works-with-setting');
  });

  it('TLS session reuse required: .NET needs the GnuTLS stream, Java cannot, resuming clients work', () => {
    const { outcomes, result } = table('loopback-tls-session-reuse-required');
    expect(outcomes.dotnet).toBe('works-with-setting');
    expect(result.clients.find((c) => c.client === 'dotnet')!.setting).toContain('GnuTlsStream');
    expect(outcomes.java).toBe('will-not-work');
    expect(outcomes.filezilla).toBe('works');
    expect(outcomes.curl).toBe('works');
    // Active mode failed only under TLS; ftp.exe uses plain FTP, where active data connections worked.
    expect(outcomes['windows-ftp']).toBe('works');
  });

  it('reuse required under TLS 1.3 with 1.2 offered: Java capped at 1.2 with its workaround, curl.exe with --tls-max 1.2', () => {
    const { outcomes, result } = table('lab-vsftpd-tls-session-reuse-required');
    expect(outcomes.java).toBe('works-with-setting');
    expect(result.clients.find((c) => c.client === 'java')!.setting).toContain('-Djdk.tls.client.protocols=TLSv1.2');
    expect(outcomes.curl).toBe('works');
    const curl = result.clients.find((c) => c.client === 'curl')!;
    expect(curl.why).toContain('Schannel (the one Windows ships) does not resume under TLS 1.3: add --tls-max 1.2');
    expect(curl.sources.some((s) => s.includes('#22225'))).toBe(true);
  });

  it('reuse required and TLS 1.3 only: Java cannot, and Windows curl.exe is told it fails', () => {
    const log = JSON.parse(
      readFileSync(`${DIR}lab-vsftpd-tls-session-reuse-required.observation.json`, 'utf8'),
    ) as ObservationLog;
    log.tlsReuse!.versions = log.tlsReuse!.versions!.filter((v) => v.version === 'TLSv1.3');
    const result = clientCompatibility(log, diagnose(log, { require: ['passive'] }));
    expect(result.clients.find((c) => c.client === 'java')!.outcome).toBe('will-not-work');
    expect(result.clients.find((c) => c.client === 'curl')!.why).toContain('use a curl built with OpenSSL');
  });

  it('reuse required by a TLS 1.2-only server: Java with its workaround, no Schannel note for curl', () => {
    const { outcomes, result } = table('lab-proftpd-tls-session-reuse-required-tls12-only');
    expect(outcomes.java).toBe('works-with-setting');
    expect(result.clients.find((c) => c.client === 'curl')!.why).not.toContain('Schannel');
  });

  it('private PASV address: clients that use the control address or replace a private one work', () => {
    const { outcomes } = table('lab-reference-server-nat-private-pasv');
    expect(outcomes.curl).toBe('works');
    expect(outcomes.filezilla).toBe('works');
    expect(outcomes.lftp).toBe('works');
    expect(outcomes.dotnet).toBe('works');
    expect(outcomes.winscp).toBe('works');
  });

  it('a public but different PASV address: FileZilla, WinSCP and lftp follow it and need their setting', () => {
    const { outcomes, result } = table('loopback-pasv-address-mismatch');
    expect(outcomes.curl).toBe('works');
    expect(outcomes.filezilla).toBe('works-with-setting');
    expect(result.clients.find((c) => c.client === 'winscp')!.setting).toContain(
      'Force IP address for passive mode connections',
    );
    expect(result.clients.find((c) => c.client === 'lftp')!.setting).toBe('set ftp:ignore-pasv-address yes');
  });

  it('TLS through an FTP helper: every TLS client fails on data; ftp.exe (plain only) is judged by active mode', () => {
    const { outcomes } = table('netns-tls-breaks-ftp-helper');
    for (const id of ['filezilla', 'winscp', 'curl', 'lftp', 'dotnet', 'java'] as const)
      expect(outcomes[id], id).toBe('will-not-work');
  });

  it('control unreachable or login refused: no client gets anywhere', () => {
    for (const name of ['lab-reference-control-port-dropped', 'loopback-login-failed']) {
      const { outcomes } = table(name);
      expect(new Set(Object.values(outcomes)), name).toEqual(new Set(['will-not-work']));
    }
  });
});
