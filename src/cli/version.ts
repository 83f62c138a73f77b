import { readFileSync } from 'node:fs';

/** The version in package.json, read at run time (dist/cli/version.js and src/cli/version.ts sit two levels below it). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
