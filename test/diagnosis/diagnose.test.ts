import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../src/diagnosis/catalogue.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { CASES } from './cases.js';
import { resolvePointer } from './json-pointer.js';

describe('diagnose over the case table', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const d = diagnose(c.log, { require: c.require ?? ['passive'] });
    expect(d.findings.map((f) => f.code).sort()).toEqual([...c.codes].sort());
    for (const [channel, status] of Object.entries(c.channels ?? {})) {
      expect({ channel, status: d.channels[channel as keyof typeof d.channels].status }).toEqual({ channel, status });
    }
    if (c.verdict) expect(d.verdict).toBe(c.verdict);
    for (const f of d.findings) {
      expect(f.evidence.length, `${f.code} has evidence`).toBeGreaterThan(0);
      for (const e of f.evidence)
        expect(resolvePointer(c.log, e.ref), `${f.code} evidence ${e.ref} points into the log`).not.toBeUndefined();
      expect(f.fix.length, `${f.code} says how to fix`).toBeGreaterThan(0);
      expect(f.title.length).toBeGreaterThan(0);
    }
    if (c.allClear) {
      expect(d.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(d.verdict).toBe('ok');
    }
    c.check?.(d);
  });

  it('produces every finding code in at least one case, and none in an all-clear case', () => {
    const produced = new Set(
      CASES.flatMap((c) => diagnose(c.log, { require: c.require ?? ['passive'] }).findings.map((f) => f.code)),
    );
    expect(FINDING_CODES.filter((code) => !produced.has(code))).toEqual([]);
    const inAllClear = CASES.filter((c) => c.allClear).flatMap(
      (c) => diagnose(c.log, { require: c.require ?? ['passive'] }).findings,
    );
    expect(inAllClear).toEqual([]);
  });

  it('is pure: the same log gives the same diagnosis and is not modified', () => {
    for (const c of CASES) {
      const before = JSON.stringify(c.log);
      const a = diagnose(c.log, { require: ['passive'] });
      const b = diagnose(c.log, { require: ['passive'] });
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      expect(JSON.stringify(c.log)).toBe(before);
    }
  });

  it('lists findings most severe first', () => {
    const rank = { error: 0, warning: 1, info: 2 };
    for (const c of CASES) {
      const severities = diagnose(c.log, { require: ['passive'] }).findings.map((f) => rank[f.severity]);
      expect(severities).toEqual([...severities].sort((x, y) => x - y));
    }
  });
});
