import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, explain, FINDING_CODES } from '../../src/diagnosis/catalogue.js';
import { renderCatalogueList, renderExplanation } from '../../src/report/explain-text.js';

describe('catalogue', () => {
  it('explains every code with title, meaning, cause and fix, and the README lists exactly these codes', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Finding codes'), readme.indexOf('## Exit codes'));
    const listed = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort((a, b) => String(a).localeCompare(String(b)))).toEqual(
      [...FINDING_CODES].sort((a, b) => a.localeCompare(b)),
    );
    for (const e of CATALOGUE) {
      expect(e.title.length && e.meaning.length && e.typicalCause.length).toBeTruthy();
      expect(e.fix.length).toBeGreaterThan(0);
    }
  });

  it.each([
    ['LOGIN_FAILED', 'LOGIN_FAILED'],
    ['login-failed', 'LOGIN_FAILED'],
    [' passive_ports_blocked ', 'PASSIVE_PORTS_BLOCKED'],
    ['NO_SUCH_CODE', undefined],
  ])('explain(%j) → %s', (input, code) => {
    expect(explain(input)?.code).toBe(code);
  });

  it('says plainly when a code is not a firewall problem', () => {
    for (const code of ['LOGIN_FAILED', 'LOCAL_RESOURCE', 'TLS_SESSION_REUSE_REQUIRED', 'TLS_CERT_UNTRUSTED']) {
      expect(renderExplanation(explain(code)!)).toContain('not a firewall problem');
    }
  });

  it('lists every code, one a line', () => {
    const lines = renderCatalogueList().trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual([...FINDING_CODES]);
  });
});
