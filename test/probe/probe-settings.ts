import { defaultSettings } from '../../src/probe/index.js';
import type { ProbeSettings } from '../../src/observation/index.js';
import type { RunningServer } from '../../src/server/index.js';

/** Settings for a quick probe of a reference server on loopback: no sweep, one passive sample, short waits. */
export function settingsFor(server: RunningServer, host: string, extra: Partial<ProbeSettings> = {}): ProbeSettings {
  return {
    ...defaultSettings(host),
    port: server.port,
    sweep: 'off',
    pasvSamples: 1,
    activePorts: [0, 0],
    stepTimeoutMs: 3000,
    timeoutMs: 30_000,
    ...extra,
  };
}
