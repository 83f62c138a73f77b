import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/index.js';
import { normaliseFingerprint, runProbe, type ConfirmCertificate } from '../../src/probe/index.js';
import { decideTrust } from '../../src/probe/certificate-trust.js';
import type { CertificateInfo, ProbeSettings } from '../../src/observation/index.js';
import { buildReport } from '../../src/report/index.js';
import type { RunningServer } from '../../src/server/index.js';
import { schemaErrors } from '../report/report-schema.js';
import { freePortBlock } from './free-ports.js';
import { settingsFor } from './probe-settings.js';
import { OTHER_FINGERPRINT, startPinnedServer } from './pinned-server.js';

const PASSWORD = 'trust-m3-not-Zq';

let server: RunningServer;
let fingerprint: string;

function settings(extra: Partial<ProbeSettings> = {}): ProbeSettings {
  return settingsFor(server, '127.0.0.1', { tls: 'explicit', user: 'alice', ...extra });
}

beforeAll(async () => {
  ({ server, fingerprint } = await startPinnedServer({
    commonName: 'trust test',
    user: 'alice',
    password: PASSWORD,
    pasvRange: await freePortBlock(21),
  }));
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('normaliseFingerprint', () => {
  it.each([
    ['ab:cd', undefined],
    ['zz'.repeat(32), undefined],
    ['0a'.repeat(32), Array(32).fill('0A').join(':')],
    [`SHA256:${'0A:'.repeat(31)}0A`, Array(32).fill('0A').join(':')],
    [` sha-256=${'0a'.repeat(32)} `, Array(32).fill('0A').join(':')],
  ])('%s → %s', (text, expected) => {
    expect(normaliseFingerprint(text)).toBe(expected);
  });
});

describe('decideTrust', () => {
  const certificate: CertificateInfo = {
    subject: 'CN=x',
    issuer: 'CN=x',
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: '2027-01-01T00:00:00.000Z',
    fingerprint256: OTHER_FINGERPRINT,
    selfSigned: true,
    expired: false,
    hostnameMatches: true,
  };
  const base = { authorized: false, certificate, insecure: false, signal: new AbortController().signal };

  it('does not ask again for the certificate the person accepted earlier in the run (a second control session)', async () => {
    let asked = 0;
    const confirm: ConfirmCertificate = () => Promise.resolve(++asked > 0);
    await expect(decideTrust({ ...base, confirm, acceptedBefore: OTHER_FINGERPRINT })).resolves.toEqual({
      proceed: true,
      acceptedBy: 'user',
    });
    expect(asked).toBe(0);
    await expect(decideTrust({ ...base, confirm, acceptedBefore: fingerprint })).resolves.toMatchObject({
      proceed: true,
    });
    expect(asked).toBe(1);
  });

  it('never asks once the run is stopped', async () => {
    const stopped = new AbortController();
    stopped.abort();
    const confirm: ConfirmCertificate = () => Promise.reject(new Error('asked after the stop'));
    await expect(decideTrust({ ...base, confirm, signal: stopped.signal })).resolves.toMatchObject({
      proceed: false,
      error: { code: 'E_TLS_CERT' },
    });
  });
});

describe('trusting a self-signed certificate against the reference server', () => {
  it('--trust-fingerprint with the right fingerprint goes on and logs in', async () => {
    const log = await runProbe(settings({ trustFingerprint: fingerprint }), { password: PASSWORD });
    expect(log.tls).toMatchObject({ established: true, insecureAccepted: true, acceptedBy: 'fingerprint' });
    expect(log.login?.ok).toBe(true);
    const report = buildReport(log, diagnose(log, { require: ['passive'] }), { argv: [], version: 'test' });
    expect(report.certificateAccepted).toEqual({
      by: 'fingerprint',
      fingerprint256: fingerprint,
      authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(schemaErrors(report)).toBe('');
  });

  it('--trust-fingerprint with another fingerprint stops before login and names both', async () => {
    const log = await runProbe(settings({ trustFingerprint: OTHER_FINGERPRINT }), { password: PASSWORD });
    expect(log.tls?.established).toBe(false);
    expect(log.tls?.error?.code).toBe('E_TLS_FINGERPRINT');
    expect(log.tls?.error?.message).toContain(fingerprint);
    expect(log.tls?.error?.message).toContain(OTHER_FINGERPRINT);
    expect(log.login).toBeUndefined();
    const diagnosis = diagnose(log, { require: ['passive'] });
    const finding = diagnosis.findings.find((f) => f.code === 'TLS_CERT_UNTRUSTED');
    expect(finding?.title).toContain(OTHER_FINGERPRINT);
    expect(diagnosis.channels.tls.status).toBe('blocked');
    expect(schemaErrors(buildReport(log, diagnosis, { argv: [], version: 'test' }))).toBe('');
  });

  it('asks the person, shows the certificate, and goes on when they agree', async () => {
    const asked: CertificateInfo[] = [];
    const confirm: ConfirmCertificate = (certificate) => {
      asked.push(certificate);
      return Promise.resolve(true);
    };
    const log = await runProbe(settings(), { password: PASSWORD, confirmCertificate: confirm });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ fingerprint256: fingerprint, subject: 'CN=trust test', selfSigned: true });
    expect(log.tls).toMatchObject({ established: true, acceptedBy: 'user' });
    expect(log.login?.ok).toBe(true);
    const report = buildReport(log, diagnose(log, { require: ['passive'] }), { argv: [], version: 'test' });
    expect(report.certificateAccepted?.by).toBe('user');
    expect(report.channels.tls.summary).toMatch(/accepted by you when asked/);
  });

  it('stops before login when the person declines', async () => {
    const log = await runProbe(settings(), { password: PASSWORD, confirmCertificate: () => Promise.resolve(false) });
    expect(log.tls).toMatchObject({ established: false, error: { code: 'E_TLS_CERT' } });
    expect(log.tls?.error?.message).toMatch(/declined/);
    expect(log.login).toBeUndefined();
  });

  it('without anyone to ask, names --trust-fingerprint and --insecure', async () => {
    const log = await runProbe(settings(), { password: PASSWORD });
    expect(log.tls?.error?.message).toMatch(/--trust-fingerprint SHA256 or --insecure/);
  });
});
