import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaErrors } from '../report/report-schema.js';
import { buildCli, passiveRange, removeCliBuild, runCli } from './built-cli.js';

/**
 * `selftest --html` against the real reference server, then `ftpdoctor report` on the JSON it
 * wrote: every format renders, the HTML is the very page the run wrote, and a file that is not a
 * report (or is from a newer ftpdoctor) is refused with one line and exit 2.
 */

const RANGE = passiveRange(2).text;
let dir: string;
const path = (name: string): string => join(dir, name);

beforeAll(async () => {
  buildCli();
  dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-report-'));
  const r = await runCli(['selftest', '--range', RANGE, '--output', path('r.json'), '--html', path('r.html')], {
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`selftest exited ${r.code}: ${r.stderr}`);
}, 180_000);

afterAll(() => {
  removeCliBuild();
  rmSync(dir, { recursive: true, force: true });
});

describe('selftest --html', () => {
  it('writes the JSON report and the HTML page, which embeds the same report', () => {
    const json = JSON.parse(readFileSync(path('r.json'), 'utf8'));
    expect(schemaErrors(json)).toBe('');
    expect(json.clients.clients).toHaveLength(8);
    const html = readFileSync(path('r.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('data-verdict="ok"');
    const embedded = /<script type="application\/json" id="ftpdoctor-report">(.*?)<\/script>/s.exec(html)?.[1];
    expect(JSON.parse(embedded ?? '')).toEqual(json);
    // Nothing outside the file: no src= or href= to anything but the page itself.
    expect(html).not.toMatch(/\b(?:src|href)=/);
  });
});

describe('selftest --html to a place it cannot write', () => {
  it('says so in one line and exits 3, leaving nothing behind', async () => {
    const target = path('no-such-folder/r.html');
    const r = await runCli(['selftest', '--range', RANGE, '--sweep', 'off', '--html', target], { timeoutMs: 60_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`error: the HTML report could not be written to ${target}: ENOENT`);
    expect(existsSync(target)).toBe(false);
  });
});

describe('ftpdoctor report FILE', () => {
  it('renders text with the ticket header and the client table, no line over 100 columns', async () => {
    const r = await runCli(['report', path('r.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Started \(UTC\):\s+\d{4}-\d\d-\d\dT/m);
    expect(r.stdout).toMatch(/^Addresses:\s+127\.0\.0\.1 \(used\)/m);
    expect(r.stdout).toContain('Will my client work?');
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it("renders the live view's last frame: steps, channels, the range map and the client table, no escape codes", async () => {
    const r = await runCli(['report', path('r.json'), '--format', 'live']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toMatch(/^✔ Sweep the passive port range/m);
    expect(r.stdout).toMatch(new RegExp(`^Passive range ${RANGE} · 1 port per cell · 64/64 tested$`, 'm'));
    expect(r.stdout).toMatch(/^✔ OK Passive and active mode both work, with TLS\.$/m);
    expect(r.stdout).toMatch(/^✔ works\s+curl$/m);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('renders markdown with the client table', async () => {
    const r = await runCli(['report', path('r.json'), '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### Will my client work?');
    expect(r.stdout).toContain('| Client | Result | Why | Setting |');
    expect(r.stdout).toMatch(/^- Addresses: 127\.0\.0\.1 \(used\)$/m);
  });

  it('renders the same HTML page the run wrote, to --output', async () => {
    const r = await runCli(['report', path('r.json'), '--format', 'html', '--output', path('again.html')]);
    expect(r.code).toBe(0);
    expect(readFileSync(path('again.html'), 'utf8')).toBe(readFileSync(path('r.html'), 'utf8'));
  });

  it('renders json as saved', async () => {
    const r = await runCli(['report', path('r.json'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(path('r.json'), 'utf8')));
  });

  it('reads a report written before the client table existed', async () => {
    const old = JSON.parse(readFileSync(path('r.json'), 'utf8'));
    delete old.clients;
    writeFileSync(path('old.json'), JSON.stringify(old));
    const r = await runCli(['report', path('old.json'), '--format', 'html']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('without the client table');
  });

  it("reads a schemaVersion 1 report, whose 'closed' ports never proved the path open, as refused", async () => {
    const v1 = JSON.parse(readFileSync(path('r.json'), 'utf8'));
    const [from, to] = v1.sweep.range as [number, number];
    const runs = [
      { from, to: from, state: 'open' },
      { from: from + 1, to, state: 'closed' },
    ];
    const counts = { open: 1, closed: to - from };
    Object.assign(v1, { schemaVersion: 1 });
    Object.assign(v1.sweep, { runs, counts });
    Object.assign(v1.observations.sweep, { runs, counts, errnos: { closed: ['ECONNREFUSED'] } });
    expect(schemaErrors(v1)).toBe('');
    expect(schemaErrors({ ...v1, schemaVersion: 2 })).toContain('/sweep/runs/1/state');
    writeFileSync(path('v1.json'), JSON.stringify(v1));
    const text = await runCli(['report', path('v1.json')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${to - from} refused`);
    expect(text.stdout).not.toMatch(/\bclosed\b(?! port)/);
    const json = await runCli(['report', path('v1.json'), '--format', 'json']);
    const upgraded = JSON.parse(json.stdout);
    expect(upgraded.schemaVersion).toBe(2);
    expect(upgraded.sweep.runs[1].state).toBe('refused');
    expect(upgraded.observations.sweep.errnos).toEqual({ refused: ['ECONNREFUSED'] });
    expect(schemaErrors(upgraded)).toBe('');
  });

  it.each([
    ['not JSON', 'nope', 'E_REPORT_JSON'],
    ['not a report', '{"hello": "world"}', 'E_NOT_A_REPORT'],
    ['a newer schemaVersion', 'NEWER', 'E_REPORT_NEWER'],
    ['a report that breaks its schema', 'INVALID', 'E_REPORT_INVALID'],
  ])('refuses %s with one line and exit 2', async (_what, content, code) => {
    const saved = JSON.parse(readFileSync(path('r.json'), 'utf8'));
    const text =
      content === 'NEWER'
        ? JSON.stringify({ ...saved, schemaVersion: 99 })
        : content === 'INVALID'
          ? JSON.stringify({ ...saved, verdict: 'maybe' })
          : content;
    writeFileSync(path('bad.json'), text);
    const r = await runCli(['report', path('bad.json'), '--output', path('bad.html'), '--format', 'html']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`[${code}]`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path('bad.html'))).toBe(false);
  });

  it('refuses a file that does not exist with exit 2', async () => {
    const r = await runCli(['report', path('missing.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ENOENT');
  });
});
