import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaErrors } from '../report/report-schema.js';
import { buildCli, passiveRange, removeCliBuild, runCli } from './built-cli.js';

const PASV = passiveRange(1);
const RANGE = PASV.text;

beforeAll(() => buildCli(), 120_000);
afterAll(() => removeCliBuild());

describe('selftest piped', () => {
  it('prints plain text without one escape code and exits 0', async () => {
    const r = await runCli(['selftest', '--range', RANGE], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('\x1b');
    expect(r.stderr).toMatch(/^\[ ok \] /m);
    expect(r.stdout).toMatch(/\bOK\b/);
  });

  it('--json prints a green report', async () => {
    const r = await runCli(['selftest', '--range', RANGE, '--json'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(schemaErrors(report)).toBe('');
    for (const channel of ['control', 'passive', 'active', 'tls']) expect(report.channels[channel].status).toBe('ok');
  });
});
