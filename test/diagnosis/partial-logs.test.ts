import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { ObservationLog } from '../../src/observation/index.js';
import { buildReport } from '../../src/report/report.js';
import { schemaErrors } from '../report/report-schema.js';
import { CASES } from './cases.js';
import { resolvePointer } from './json-pointer.js';

/**
 * Views diagnose the log after every step, so a log cut off anywhere (a snapshot mid-run, an
 * interrupted run) must still give a diagnosis whose every piece of evidence exists in it.
 */

const CUTS: Array<(l: ObservationLog, n: number) => void> = [
  (l) => delete l.sweep,
  (l) => delete l.localFirewall,
  (l) => delete l.serverView,
  (l, n) => (l.active = l.active.slice(0, n % (l.active.length + 1))),
  (l, n) => (l.passive = l.passive.slice(0, n % (l.passive.length + 1))),
  (l) => delete l.login,
  (l) => delete l.tls,
  (l) => delete l.control.greeting,
  (l) => delete l.control.connect,
  (l) => {
    l.complete = false;
    l.abortReason = 'signal';
  },
  (l, n) => {
    const p = l.passive[n % Math.max(1, l.passive.length)];
    if (p) p.outcome = 'aborted';
  },
  (l, n) => {
    if (l.sweep) l.sweep.runs = l.sweep.runs.slice(0, n % (l.sweep.runs.length + 1));
  },
];

describe('diagnose on partial logs', () => {
  it('never throws, and its evidence always points into the log', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: CASES.length - 1 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: CUTS.length - 1 }), fc.nat(8)), { maxLength: 5 }),
        fc.subarray(['control', 'passive', 'active', 'tls'] as const),
        (index, cuts, require) => {
          const log = structuredClone(CASES[index]!.log);
          for (const [cut, n] of cuts) CUTS[cut]!(log, n);
          const d = diagnose(log, { require: [...require] });
          for (const f of d.findings) {
            expect(f.evidence.length).toBeGreaterThan(0);
            for (const e of f.evidence) expect(resolvePointer(log, e.ref), `${f.code} ${e.ref}`).not.toBeUndefined();
          }
          expect(d.recommendation.length).toBeGreaterThan(0);
          expect(schemaErrors(buildReport(log, d, { argv: ['check', 'h'], version: '0.1.0' }))).toBe('');
        },
      ),
      { numRuns: 300 },
    );
  });
});
