import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/ and the only directions their imports may take: each layer sees the ones below
 * it, through their front door (index.ts), never the ones above. The CLI wires everything.
 */
const ALLOWED: Record<string, readonly string[]> = {
  ftp: [],
  firewall: ['ftp'],
  observation: ['ftp'],
  net: ['ftp', 'observation'],
  sweep: ['ftp', 'net', 'observation'],
  probe: ['ftp', 'net', 'observation', 'sweep', 'firewall'],
  diagnosis: ['ftp', 'observation', 'firewall'],
  views: ['ftp', 'observation', 'diagnosis'],
  report: ['ftp', 'observation', 'diagnosis', 'views'],
  ui: ['ftp', 'observation', 'diagnosis', 'views'],
  server: ['ftp'],
  cli: ['ftp', 'observation', 'net', 'sweep', 'probe', 'diagnosis', 'views', 'report', 'ui', 'server', 'firewall'],
};

const MAX_LINES = 400;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'src');

interface Edge {
  from: string;
  to: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : /\.tsx?$/.test(e.name)
        ? [relative(root, join(dir, e.name))]
        : [],
  );
}

/** src/cli.ts and src/cli/… are the CLI; every other file belongs to the folder under src/ it is in. */
function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 2 ? 'cli' : (parts[1] ?? '');
}

/** Static and dynamic relative imports and re-exports, with the file each one names. */
export function importEdges(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const m of text.matchAll(pattern)) {
    const specifier = m[1] ?? '';
    const to = normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts');
    edges.push({ from: file, to, specifier });
  }
  return edges;
}

/** Why an edge breaks the layering, or undefined when it is allowed. */
export function violation(edge: Edge): string | undefined {
  const from = layerOf(edge.from);
  const to = layerOf(edge.to);
  if (!edge.to.startsWith('src/')) return `${edge.from} imports ${edge.specifier}, outside src/`;
  if (from === to) return undefined;
  if (!(ALLOWED[from] ?? []).includes(to))
    return `${edge.from} (${from}) imports ${edge.specifier} (${to}): not allowed`;
  if (!edge.to.endsWith(`src/${to}/index.ts`) && to !== 'cli')
    return `${edge.from} imports ${edge.specifier}: another layer is entered through its index.ts only`;
  return undefined;
}

describe('layering of src/', () => {
  const files = sourceFiles(src);

  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(100);
    const edges = files.flatMap((f) => importEdges(f, readFileSync(join(root, f), 'utf8')));
    expect(edges.length).toBeGreaterThan(files.length);
  });

  it('has every layer named in the allowed set and no folder outside it', () => {
    const layers = new Set(files.map(layerOf));
    expect([...layers].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it('imports only downwards, through front doors', () => {
    const problems = files
      .flatMap((f) => importEdges(f, readFileSync(join(root, f), 'utf8')))
      .map(violation)
      .filter((v): v is string => v !== undefined);
    expect(problems).toEqual([]);
  });

  it('reports an upward import, and a side door into another layer', () => {
    expect(violation({ from: 'src/ftp/reply.ts', to: 'src/probe/index.ts', specifier: '../probe/index.js' })).toMatch(
      /not allowed/,
    );
    expect(
      violation({ from: 'src/sweep/port-sweep.ts', to: 'src/probe/engine.ts', specifier: '../probe/engine.js' }),
    ).toMatch(/not allowed/);
    expect(
      violation({ from: 'src/probe/engine.ts', to: 'src/sweep/port-sweep.ts', specifier: '../sweep/port-sweep.js' }),
    ).toMatch(/index\.ts only/);
    expect(
      violation({ from: 'src/probe/engine.ts', to: 'src/sweep/index.ts', specifier: '../sweep/index.js' }),
    ).toBeUndefined();
  });

  it(`keeps every source file under ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ f, lines: readFileSync(join(root, f), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
