import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The recorder's passwords (test/diagnosis/record-fixtures.record.ts) must appear in no fixture file. */
const DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const RECORDER = readFileSync(
  fileURLToPath(new URL('../diagnosis/record-fixtures.record.ts', import.meta.url)),
  'utf8',
);
const passwords = [...RECORDER.matchAll(/(?:PASSWORD = |password: )'([^']{6,})'/g)].map((m) => m[1]!);

describe('fixtures', () => {
  it('know which passwords the recorder used', () => {
    expect(passwords).toEqual(expect.arrayContaining(['fixture-Pa55-word', 'wrong-password']));
  });

  const files = readdirSync(DIR, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => [`${d.parentPath.slice(DIR.length)}/${d.name}`.replace(/^\//, '')]);
  it.each(files)('%s contains no password', (file) => {
    const text = readFileSync(`${DIR}${file}`, 'utf8');
    for (const p of passwords) expect(text).not.toContain(p);
  });
});
