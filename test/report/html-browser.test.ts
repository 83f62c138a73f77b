import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { ObservationLog } from '../../src/observation/index.js';
import { renderHtml } from '../../src/report/html/page.js';
import { buildReport, type Report } from '../../src/report/report.js';

/**
 * The HTML report in a real browser (Debian's chromium, no browser download): it renders real
 * reports from recorded runs without a console error, loads nothing, draws the blocked runs the
 * report names, has working copy buttons, and shows a hostile banner as text.
 */

const CHROMIUM = '/usr/bin/chromium';
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"></pre></details><h1>';

function reportOf(name: string, patch?: (log: ObservationLog) => void): Report {
  const log = JSON.parse(readFileSync(`${FIXTURES}${name}.observation.json`, 'utf8')) as ObservationLog;
  patch?.(log);
  return buildReport(log, diagnose(log, { require: ['passive'] }), {
    argv: ['check', log.settings.host, '--html', 'report.html'],
    version: '0.1.0',
  });
}

/** The blocked stretches as the finding states them: consecutive blocking runs, merged. */
function blockedFromRuns(report: Report): Array<[number, number]> {
  const blocking = new Set(['no-answer', 'icmp-reject', 'blocked-reset', 'token-mismatch']);
  const out: Array<[number, number]> = [];
  for (const r of report.sweep.runs) {
    if (!blocking.has(r.state)) continue;
    const last = out[out.length - 1];
    if (last && last[1] + 1 === r.from) last[1] = r.to;
    else out.push([r.from, r.to]);
  }
  return out;
}

describe.skipIf(!existsSync(CHROMIUM))(`HTML report in ${CHROMIUM} (apt-get install chromium)`, () => {
  let context: BrowserContext;
  let profile: string;
  let dir: string;

  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'ftpdoctor-chromium-'));
    dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-html-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1000, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the page; returns it with every console error and every request other than the page itself. */
  async function open(name: string, report: Report): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtml(report));
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
    return { page, errors, requests };
  }

  it('renders an all-clear report: no console error, no request, green verdict', async () => {
    const report = reportOf('lab-reference-open-path');
    const { page, errors, requests } = await open('all-clear', report);
    expect(await page.getAttribute('header.verdict', 'data-verdict')).toBe('ok');
    expect(await page.locator('g.blocked-run').count()).toBe(0);
    expect(await page.locator('svg.path-drawing g.channel[data-status="ok"]').count()).toBe(4);
    expect(await page.locator('table.clients tr[data-client]').count()).toBe(8);
    await page.screenshot({ path: `${ARTIFACTS}all-clear.png`, fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it("renders a partly blocked range: the map's blocked runs are the report's, the share of hanging transfers is shown", async () => {
    const report = reportOf('lab-reference-passive-range-partly-dropped');
    const { page, errors, requests } = await open('partly-blocked', report);
    const runs = page.locator('svg.range-map g.blocked-run');
    const drawn: Array<[number, number]> = [];
    for (let i = 0; i < (await runs.count()); i++)
      drawn.push([
        Number(await runs.nth(i).getAttribute('data-from')),
        Number(await runs.nth(i).getAttribute('data-to')),
      ]);
    expect(drawn).toEqual(blockedFromRuns(report));
    const finding = report.findings.find((f) => f.code === 'PASSIVE_PORTS_BLOCKED');
    expect(drawn).toEqual(finding?.ports);
    expect(await page.locator('svg.range-map').textContent()).toContain('61234–61999 blocked');
    expect(await page.locator('p.hang').textContent()).toContain('2,302 of 5,536 passive ports are blocked');
    expect(await page.getAttribute('svg.path-drawing g.channel[data-channel="passive"]', 'data-status')).toBe(
      'partial',
    );
    await page.screenshot({ path: `${ARTIFACTS}partly-blocked.png`, fullPage: true });
    await page.screenshot({
      path: `${ARTIFACTS}partly-blocked-top.png`,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1000, height: 1080 },
    });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('prints without the copy buttons, every section kept', async () => {
    const { page, errors } = await open('print', reportOf('lab-reference-passive-range-partly-dropped'));
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('button.copy').first().isVisible()).toBe(false);
    expect(await page.locator('svg.range-map').isVisible()).toBe(true);
    expect(await page.locator('table.clients').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws no blocked stretch where the only resets came from ports the check had already used', async () => {
    let recorded: ObservationLog | undefined;
    const report = reportOf('lab-vsftpd-client-nat-no-helper', (log) => (recorded = structuredClone(log)));
    expect(recorded?.sweep?.runs.some((r) => r.state === 'blocked-reset')).toBe(true);
    expect(report.sweep.runs.some((r) => r.state === 'blocked-reset')).toBe(false);
    expect(report.findings.some((f) => f.code === 'PASSIVE_PORTS_BLOCKED')).toBe(false);
    const { page, errors, requests } = await open('reached-ports', report);
    expect(await page.locator('svg.range-map g.blocked-run').count()).toBe(0);
    expect(await page.locator('svg.range-map rect.cell[data-state="blocked-reset"]').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('copies an allow-rule example with its copy button', async () => {
    const report = reportOf('lab-reference-passive-range-partly-dropped');
    const { page, errors } = await open('copy', report);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const button = page.locator('button.copy').first();
    const id = await button.getAttribute('data-copy');
    const expected = await page.locator(`#${id}`).textContent();
    await button.click();
    await expect.poll(() => button.getAttribute('data-copied'), { timeout: 5000 }).toBe('true');
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(expected);
    expect(copied).toContain('60000-65535');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows markup in a banner and a reply as text: it does not run and the page stays whole', async () => {
    const report = reportOf('lab-reference-passive-range-partly-dropped', (log) => {
      if (log.control.greeting?.reply) log.control.greeting.reply.text = `220 ${HOSTILE}`;
      log.transcript = log.transcript.map((l, i) => (i === 0 ? { ...l, text: `220 ${HOSTILE}` } : l));
      log.settings.host = `${HOSTILE}.example`;
    });
    const { page, errors, requests } = await open('hostile', report);
    expect(await page.evaluate<unknown>('window.__pwned')).toBeUndefined();
    expect(await page.locator('h1').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('h2').count()).toBe(5);
    expect(await page.locator('details.transcript pre').textContent()).toContain(HOSTILE);
    const embedded = await page.locator('#ftpdoctor-report').textContent();
    expect(JSON.parse(embedded ?? '')).toEqual(report);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
