import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { CertificateInfo } from '../../src/observation/index.js';
import { defaultSettings } from '../../src/probe/index.js';
import { LiveApp } from '../../src/ui/LiveApp.js';
import { initialUiState, reduceUi } from '../../src/ui/ui-state.js';
import { pressKey } from './press-key.js';

afterEach(() => cleanup());

const certificate: CertificateInfo = {
  subject: 'CN=ftp.example.com',
  issuer: 'CN=ftp.example.com',
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
  fingerprint256: Array(32).fill('5E').join(':'),
  selfSigned: true,
  expired: false,
  hostnameMatches: true,
};
const asking = reduceUi(initialUiState(defaultSettings('ftp.example.com')), {
  type: 'certificate-question',
  certificate,
  authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
});

function ask() {
  const answers: boolean[] = [];
  const quits: string[] = [];
  const app = render(
    <LiveApp
      state={asking}
      width={100}
      colour={false}
      keys
      onQuit={(key) => quits.push(key)}
      onToggleTranscript={() => undefined}
      onCertificateAnswer={(trust) => answers.push(trust)}
    />,
  );
  return { app, answers, quits };
}

describe('the certificate question in the live view', () => {
  it('shows what FileZilla shows: subject, issuer, validity, fingerprint, and the question', () => {
    const frame = ask().app.lastFrame() ?? '';
    for (const text of [
      'not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)',
      'Subject: CN=ftp.example.com',
      'Issuer: CN=ftp.example.com',
      'Valid: 2026-01-01T00:00:00.000Z to 2027-01-01T00:00:00.000Z',
      'SHA-256 fingerprint:',
      `  ${certificate.fingerprint256.slice(0, 47)}`,
      `  ${certificate.fingerprint256.slice(48)}`,
      'Trust this certificate for this check? [y/N]',
    ])
      expect(frame).toContain(text);
  });

  it.each([
    ['y', [true]],
    ['Y', [true]],
    ['n', [false]],
    ['\r', [false]],
    ['x', []],
  ])('key %j answers %j', async (key, expected) => {
    const { app, answers } = ask();
    await pressKey(app, key);
    expect(answers).toEqual(expected);
  });

  it('q stops the check instead of answering, and the question is gone once answered', async () => {
    const { app, answers, quits } = ask();
    await pressKey(app, 'q');
    expect({ answers, quits }).toEqual({ answers: [], quits: ['q'] });
    expect(reduceUi(asking, { type: 'certificate-answered' }).certificateQuestion).toBeUndefined();
  });
});
