import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeSettings } from '../../src/observation/index.js';
import { runProbe } from '../../src/probe/index.js';
import type { RunningServer } from '../../src/server/index.js';
import { freePortBlock } from './free-ports.js';
import { startPinnedServer } from './pinned-server.js';
import { settingsFor } from './probe-settings.js';

/** The plain-text comparison with a real password: only with consent, asked before it happens (issue 12). */

const PASSWORD = 'plain-c0nsent-Kq';
let server: RunningServer;

function settings(extra: Partial<ProbeSettings> = {}): ProbeSettings {
  return settingsFor(server, '127.0.0.1', { tls: 'auto', insecure: true, user: 'bob', ...extra });
}

const plainAttempts = (log: Awaited<ReturnType<typeof runProbe>>) =>
  [...log.passive, ...log.active].filter((a) => a.controlTls === false).length;

beforeAll(async () => {
  ({ server } = await startPinnedServer({
    commonName: 'consent test',
    user: 'bob',
    password: PASSWORD,
    pasvRange: await freePortBlock(21),
  }));
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('consent to the plain-text comparison', () => {
  it('asks once, and a yes runs the plain session with the login', async () => {
    const asked: string[] = [];
    const log = await runProbe(settings(), {
      password: PASSWORD,
      confirmComparePlain: ({ user, host }) => {
        asked.push(`${user}@${host}`);
        return Promise.resolve(true);
      },
    });
    expect(asked).toEqual(['bob@127.0.0.1']);
    expect(log.settings.comparePlain).toBe(true);
    expect(plainAttempts(log)).toBeGreaterThan(0);
  });

  it('a no keeps the password off the network in clear: no plain session', async () => {
    const log = await runProbe(settings(), { password: PASSWORD, confirmComparePlain: () => Promise.resolve(false) });
    expect(log.settings.comparePlain).toBeUndefined();
    expect(plainAttempts(log)).toBe(0);
  });

  it('--compare-plain consents without asking', async () => {
    let asked = false;
    const log = await runProbe(settings({ comparePlain: true }), {
      password: PASSWORD,
      confirmComparePlain: () => {
        asked = true;
        return Promise.resolve(false);
      },
    });
    expect(asked).toBe(false);
    expect(plainAttempts(log)).toBeGreaterThan(0);
  });
});
