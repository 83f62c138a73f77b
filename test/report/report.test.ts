import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { exitCodeFor } from '../../src/report/exit-code.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/plain-text.js';
import { redactArgv } from '../../src/report/redact.js';
import { buildReport, type Report } from '../../src/report/report.js';
import { writeFileAtomic, writeReport } from '../../src/report/write-report.js';
import { CASES } from '../diagnosis/cases.js';
import { clearLog, mutate } from '../diagnosis/observation-factory.js';
import { schemaErrors } from './report-schema.js';

const PASSWORD = 'Tr0ub4dor&3-secret';

function reportFor(log = clearLog(), argv = ['check', 'ftp.example.test']): Report {
  return buildReport(log, diagnose(log, { require: ['passive'] }), { argv, version: '0.1.0' });
}

describe('buildReport', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('builds a schema-valid report: %s', (_name, c) => {
    const report = buildReport(c.log, diagnose(c.log, { require: c.require ?? ['passive'] }), {
      argv: ['check', 'ftp.example.test', '--json'],
      version: '0.1.0',
    });
    expect(schemaErrors(report)).toBe('');
    expect(report.findings.map((f) => f.code).sort()).toEqual([...c.codes].sort());
  });

  it('carries the stable core: channel statuses, sweep range and runs, findings, verdict', () => {
    const log = mutate(clearLog(), (l) => {
      l.sweep!.runs = [
        { from: 60000, to: 62999, state: 'open' },
        { from: 63000, to: 65535, state: 'no-answer' },
      ];
      l.sweep!.counts = { open: 3000, 'no-answer': 2536 };
    });
    const report = reportFor(log);
    expect(report.sweep.range).toEqual([60000, 65535]);
    expect(report.sweep.runs).toEqual(log.sweep!.runs);
    expect(report.channels.passive.status).toBe('partial');
    expect(report.findings[0]).toMatchObject({ code: 'PASSIVE_PORTS_BLOCKED', severity: 'error', channel: 'passive' });
    expect(report.verdict).toBe('problems');
    expect(report.target).toMatchObject({ host: 'ftp.example.test', port: 21, used: '203.0.113.10' });
    expect(report.environment.externalAddress).toBe('198.51.100.7');
    expect(report.timings.totalMs).toBe(2500);
  });

  it('reports a sweep that did not run with the configured range and no runs', () => {
    const report = reportFor(
      mutate(clearLog(), (l) => {
        delete l.sweep;
        l.settings.sweep = 'off';
        l.settings.ranges = [
          [50000, 50100],
          [60000, 60100],
        ];
      }),
    );
    expect(report.sweep).toMatchObject({ performed: false, mode: 'off', range: [50000, 60100], runs: [] });
    expect(schemaErrors(report)).toBe('');
  });

  it('never contains the password: not from argv flags, URLs, the transcript or echoed replies', async () => {
    const log = mutate(clearLog(), (l) => {
      l.settings.user = 'alice';
      l.settings.passwordSupplied = true;
      l.transcript.push({ t: 8, dir: 'sent', text: `PASS ${PASSWORD}`, channel: 'control' });
      l.transcript.push({
        t: 9,
        dir: 'received',
        text: `530 user alice with password ${PASSWORD} refused`,
        channel: 'control',
      });
      l.steps.push({
        id: 'login',
        label: 'Login',
        status: 'fail',
        startedMs: 8,
        elapsedMs: 1,
        summary: `echo ${encodeURIComponent(PASSWORD)}`,
      });
    });
    const argv = [
      'check',
      `ftp://alice:${encodeURIComponent(PASSWORD)}@ftp.example.test/`,
      '--password',
      PASSWORD,
      `--password=${PASSWORD}`,
    ];
    const report = buildReport(log, diagnose(log, { require: ['passive'] }), {
      argv,
      version: '0.1.0',
      secrets: [PASSWORD],
    });
    const everything = [JSON.stringify(report), renderText(report), renderMarkdown(report)].join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(encodeURIComponent(PASSWORD));
    expect(report.commandLine).toEqual([
      'check',
      'ftp://alice:***@ftp.example.test/',
      '--password',
      '***',
      '--password=***',
    ]);
    expect(report.transcript.find((l) => l.text.startsWith('PASS'))?.text).toBe('PASS ***');
    expect(schemaErrors(report)).toBe('');
    const dir = await mkdtemp(join(tmpdir(), 'ftpdoctor-secret-'));
    try {
      await writeReport(join(dir, 'report.json'), report);
      expect(await readFile(join(dir, 'report.json'), 'utf8')).not.toContain(PASSWORD);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('redactArgv', () => {
  it.each([
    [['--password', 'x1y2z3'], ['--password', '***'], ['x1y2z3']],
    [['--password=x1y2z3'], ['--password=***'], ['x1y2z3']],
    [['ftpes://bob:p%40ss@h'], ['ftpes://bob:***@h'], ['p@ss', 'p%40ss']],
    [['ftp://bob@h', '--port', '21'], ['ftp://bob@h', '--port', '21'], []],
    [['--password-env', 'FTP_PASS'], ['--password-env', 'FTP_PASS'], []],
  ])('%j → %j', (argv, redacted, secrets) => {
    expect(redactArgv(argv)).toEqual({ argv: redacted, secrets });
  });
});

describe('renderings', () => {
  it('plain text has no ANSI codes, no line over 100 columns, and lists findings most severe first with rule and fix', () => {
    for (const c of CASES) {
      const report = buildReport(c.log, diagnose(c.log, { require: c.require ?? ['passive'] }), {
        argv: ['check', 'h'],
        version: '0.1.0',
      });
      const wrapped = renderText(report);
      expect(wrapped).not.toMatch(/\u001b\[/);
      const examples = report.findings.flatMap((f) => f.examples.flatMap((x) => x.text.split('\n')));
      for (const line of wrapped.split('\n'))
        if (!examples.some((x) => line.trim() === x.trim())) expect(line.length, line).toBeLessThanOrEqual(100);
      // Wrapping only moves words to indented continuation lines: with whitespace collapsed, the text reads as written.
      const flat = (t: string): string => t.replace(/\s+/g, ' ');
      const text = flat(wrapped);
      let at = 0;
      for (const f of report.findings) {
        const i = text.indexOf(flat(`${f.code} (${f.channel}): ${f.title}`), at);
        expect(i, `${f.code} appears in order`).toBeGreaterThanOrEqual(at);
        at = i;
        if (f.rule) expect(text).toContain(flat(f.rule));
        expect(text).toContain(flat(f.fix[0]!));
      }
      for (const ch of ['control', 'tls', 'passive', 'active'] as const)
        expect(wrapped).toContain(`${ch.padEnd(8)} ${report.channels[ch].status}`);
    }
  });

  it('markdown is a ticket summary: verdict heading, channel table, findings with fenced examples, transcript in details', () => {
    const report = reportFor(CASES.find((c) => c.name.startsWith('whole passive range dropped'))!.log);
    const md = renderMarkdown(report);
    expect(md).toMatch(/^## ftpdoctor: BLOCKED — ftp\.example\.test:21 \(203\.0\.113\.10\)/);
    expect(md).toContain('| passive | yes | **blocked** |');
    expect(md).toContain('| control | yes | **ok** |');
    expect(md).toContain('#### ERROR `PASSIVE_PORTS_BLOCKED`');
    expect(md).toMatch(/```\n# FTP passive data to 203\.0\.113\.10: assumes table "inet filter"/);
    expect(md).toContain('<details><summary>Control connection transcript');
    expect(md).toContain('> PASS ***');
  });
});

describe('exitCodeFor', () => {
  it.each([
    ['all clear', 0, CASES[0]!],
    ['passive blocked', 1, CASES.find((c) => c.name.startsWith('whole passive range dropped'))!],
    ['passive partial', 1, CASES.find((c) => c.name.startsWith('passive sub-range dropped'))!],
    ['DNS failure', 3, CASES.find((c) => c.name.startsWith('DNS failure'))!],
    ['local resource on control', 3, CASES.find((c) => c.name.startsWith('out of file descriptors'))!],
    [
      'active blocked but only passive required',
      0,
      CASES.find((c) => c.name.startsWith('PORT names a private address behind NAT'))!,
    ],
  ])('%s → %d', (_name, code, c) => {
    expect(exitCodeFor(diagnose(c.log, { require: ['passive'] }))).toBe(code);
  });

  it('a required active channel that is blocked gives 1', () => {
    const c = CASES.find((x) => x.name.startsWith('PORT names a private address behind NAT'))!;
    expect(exitCodeFor(diagnose(c.log, { require: ['passive', 'active'] }))).toBe(1);
  });
});

describe('writeReport', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the whole report and leaves no temporary file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpdoctor-report-'));
    const file = join(dir, 'report.json');
    await writeFile(file, 'old contents');
    const report = reportFor();
    await writeReport(file, report);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(report);
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('on failure leaves the old file untouched and no temporary file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpdoctor-report-'));
    const target = join(dir, 'is-a-directory');
    await writeFile(join(dir, 'keep.json'), 'old');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(target, 'child'), { recursive: true }));
    await expect(writeFileAtomic(target, 'new')).rejects.toMatchObject({
      code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/),
    });
    expect((await readdir(dir)).sort()).toEqual(['is-a-directory', 'keep.json']);
    expect(await readFile(join(dir, 'keep.json'), 'utf8')).toBe('old');
  });

  it('refuses a directory that does not exist with ENOENT', async () => {
    await expect(writeFileAtomic(join(tmpdir(), 'ftpdoctor-no-such-dir-xyz', 'r.json'), 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
