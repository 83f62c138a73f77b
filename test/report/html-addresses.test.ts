import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/index.js';
import type { ObservationLog } from '../../src/observation/index.js';
import { buildReport, renderHtml } from '../../src/report/index.js';
import { addressRows } from '../../src/views/index.js';

const fixture = (name: string): ObservationLog =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/${name}.observation.json`, import.meta.url), 'utf8'),
  ) as ObservationLog;

describe('the HTML report lists every server address', () => {
  it('one row per address, the failing ones marked, from a recorded pool with one address dropped', () => {
    const log = fixture('lab-reference-address-subset-dropped');
    const report = buildReport(log, diagnose(log, { require: ['passive'] }), { argv: ['check'], version: '0.1.0' });
    const html = renderHtml(report);
    const rows = addressRows(log);
    expect(rows.length).toBeGreaterThan(1);
    expect(html).toContain('<h2>Server addresses</h2>');
    for (const r of rows) {
      const row = new RegExp(`<tr data-address="${r.address.replace(/[.:]/g, '\\$&')}">.*?</tr>`).exec(html)?.[0] ?? '';
      expect(row, r.address).toContain(r.answers ? '✔ answers' : '✘ fails');
    }
    expect(rows.some((r) => !r.answers)).toBe(true);
  });

  it('has no address section for a single-address run', () => {
    const log = fixture('loopback-all-clear-plain');
    const report = buildReport(log, diagnose(log, { require: ['passive'] }), { argv: ['check'], version: '0.1.0' });
    expect(renderHtml(report)).not.toContain('Server addresses');
  });
});
