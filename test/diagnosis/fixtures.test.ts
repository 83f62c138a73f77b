import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../src/diagnosis/catalogue.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { BlockKind, Channel, ChannelStatus, Diagnosis, FindingCode } from '../../src/diagnosis/finding.js';
import type { ObservationLog } from '../../src/observation/index.js';
import { buildReport } from '../../src/report/report.js';
import { schemaErrors } from '../report/report-schema.js';
import { resolvePointer } from './json-pointer.js';

/** Every recorded fixture (fixtures/README.md) must give exactly the findings its sidecar lists. */

const DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

interface Expected {
  description: string;
  recordedWith: string;
  require: Channel[];
  findings: FindingCode[];
  channels?: Partial<Record<Channel, ChannelStatus>>;
  verdict?: Diagnosis['verdict'];
  allClear?: boolean;
  details?: Partial<Record<FindingCode, { how?: BlockKind; ports?: Array<[number, number]> }>>;
}

const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.observation.json'))
  .sort()
  .map((f) => {
    const name = f.replace(/\.observation\.json$/, '');
    const log = JSON.parse(readFileSync(`${DIR}${f}`, 'utf8')) as ObservationLog;
    const expected = JSON.parse(readFileSync(`${DIR}${name}.expected.json`, 'utf8')) as Expected;
    return [name, log, expected] as const;
  });

describe('recorded fixtures', () => {
  it('has fixtures, each with a sidecar', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  // Every finding code comes out of at least one recorded run, and none out of an all-clear one.
  it('produces every finding code from some recorded run, and none from an all-clear run', () => {
    const produced = new Set(
      fixtures.flatMap(([, log, expected]) => diagnose(log, { require: expected.require }).findings.map((f) => f.code)),
    );
    expect(FINDING_CODES.filter((code) => !produced.has(code))).toEqual([]);
    const allClear = fixtures.filter(([, , expected]) => expected.allClear);
    expect(allClear.length).toBeGreaterThan(0);
    for (const [name, log, expected] of allClear)
      expect(diagnose(log, { require: expected.require }).findings, name).toEqual([]);
  });

  it.each(fixtures)('%s', (_name, log, expected) => {
    const d = diagnose(log, { require: expected.require });
    expect(d.findings.map((f) => f.code).sort()).toEqual([...expected.findings].sort());
    for (const [channel, status] of Object.entries(expected.channels ?? {}))
      expect(`${channel}:${d.channels[channel as Channel].status}`).toBe(`${channel}:${status}`);
    if (expected.verdict) expect(d.verdict).toBe(expected.verdict);
    if (expected.allClear) expect(d.findings).toEqual([]);
    for (const [code, want] of Object.entries(expected.details ?? {}))
      expect(
        d.findings.find((f) => f.code === code),
        code,
      ).toMatchObject(want);
    for (const f of d.findings)
      for (const e of f.evidence) expect(resolvePointer(log, e.ref), e.ref).not.toBeUndefined();
    const report = buildReport(log, d, { argv: ['check', log.settings.host, '--json'], version: '0.1.0' });
    expect(schemaErrors(report)).toBe('');
  });
});
