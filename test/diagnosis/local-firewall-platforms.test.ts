import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { ObservationLog } from '../../src/observation/index.js';
import { clearLog, mutate, pasvBlocked, pasvOk, sweepOf } from './observation-factory.js';

/** LOCAL_FIREWALL from a Windows or macOS listing: the rule quoted, the fix in that system's words. */

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/firewall/${name}`, import.meta.url), 'utf8');

const rangeBlocked = (log: ObservationLog): void => {
  log.sweep = sweepOf([[60000, 65535, 'no-answer']]);
  log.passive = [pasvOk(60100), pasvBlocked(64000, 'no-answer', { command: 'EPSV' })];
};

describe('LOCAL_FIREWALL on Windows and macOS', () => {
  it('a Windows block rule is quoted, and the fix says block rules win over allow rules', () => {
    const log = mutate(clearLog(), (l) => {
      rangeBlocked(l);
      l.sweep = sweepOf([
        [60000, 62999, 'open'],
        [63000, 65535, 'no-answer'],
      ]);
      l.localFirewall = {
        platform: 'win32',
        source: 'powershell',
        readable: true,
        ruleset: fixture('powershell-block-subrange.json'),
        advisories: ['Windows Firewall StatefulFTP is on'],
      };
    });
    const d = diagnose(log, { require: ['passive'] });
    const f = d.findings.find((x) => x.code === 'LOCAL_FIREWALL');
    expect(f?.evidence.some((e) => e.fact.includes('Block high ports'))).toBe(true);
    expect(f?.fix[0]).toMatch(/block rule wins over any allow rule/);
    expect(f?.examples.map((e) => e.system)).toEqual(['windows-firewall']);
    expect(d.findings.find((x) => x.code === 'PASSIVE_PORTS_BLOCKED')?.fix.join('\n')).toMatch(
      /Also on this computer: Windows Firewall StatefulFTP is on/,
    );
  });

  it('a pf block rule is quoted with a pf example', () => {
    const log = mutate(clearLog(), (l) => {
      rangeBlocked(l);
      l.localFirewall = {
        platform: 'darwin',
        source: 'pfctl',
        readable: true,
        ruleset: fixture('pfctl-block-range.txt'),
      };
    });
    const f = diagnose(log, { require: ['passive'] }).findings.find((x) => x.code === 'LOCAL_FIREWALL');
    expect(f?.evidence.some((e) => e.fact.includes('block drop out quick proto tcp'))).toBe(true);
    expect(f?.examples.map((e) => e.system)).toEqual(['pf']);
  });

  it('macOS with a server on the local network: the Local Network privacy caveat', () => {
    const log = mutate(clearLog(), (l) => {
      rangeBlocked(l);
      l.sweep = { ...l.sweep!, address: '192.168.1.20' };
      l.localFirewall = { platform: 'darwin', readable: false, reason: 'pfctl needs root' };
    });
    const fix = diagnose(log, { require: ['passive'] }).findings.find((x) => x.code === 'PASSIVE_PORTS_BLOCKED')?.fix;
    expect(fix?.join('\n')).toMatch(/Local Network privacy/);
    expect(fix?.join('\n')).toMatch(/sudo pfctl -sr/);
  });
});
