/**
 * `npm run build:exe [-- --target NAME]`: the CLI as one file a customer can run without Node.js or
 * npm (issue 16). Bundles dist/ (built first by the npm script) into one ES module and turns it into
 * a single executable application with `node --build-sea` (Node 25.5 and later; Node 24.21 answers
 * "bad option: --build-sea"), from this machine's Node binary or, for another target, from the
 * official binary of the same Node version taken from the npm registry. Prints size and startup time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleCli } from './bundle.ts';
import { TARGET_NAMES, exeTarget, hostTarget, parseTargetName, type ExeTarget } from './targets.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'ftpdoctor-exe');
const STARTUP_RUNS = 9;
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/**
 * macOS: SEA is documented for Apple silicon only ("x64 is not currently supported", Node's
 * single-executable-applications.md, nodejs/node#63331), and injecting invalidates the binary's
 * signature, which macOS enforces on arm64: it must be re-signed (`codesign --sign -`) on a Mac.
 */
const MACOS_NOTE = 'sign it on a Mac before shipping: codesign --sign - FILE (Node SEA docs, step "Sign the binary")';

class BuildError extends Error {}

interface BuildPlan {
  targets: ExeTarget[];
  /** The compiled CLI to bundle (dist/cli.js; the tests compile a copy of their own). */
  entry: string;
  outDir: string;
}

function parsePlan(argv: string[]): BuildPlan {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        target: { type: 'string', multiple: true },
        entry: { type: 'string', default: join(ROOT, 'dist', 'cli.js') },
        out: { type: 'string', default: join(ROOT, 'dist', 'exe') },
      },
    }).values;
  } catch (err) {
    throw new BuildError(
      `${err instanceof Error ? err.message : String(err)}; usage: build-exe [--target ${TARGET_NAMES.join('|')}]... [--entry FILE] [--out DIR]`,
    );
  }
  const names = parsed.target ?? [];
  if (names.length === 0) {
    const host = hostTarget();
    if (!host) throw new BuildError(`this machine (${process.platform}-${process.arch}) is no target; use --target`);
    names.push(host);
  }
  const targets = names.map((name) => {
    const target = parseTargetName(name);
    if (!target) throw new BuildError(`unknown target "${name}": one of ${TARGET_NAMES.join(', ')}`);
    if (target === 'darwin-x64') {
      throw new BuildError(
        'darwin-x64: Node documents single executables on Intel macOS as not supported (nodejs/node#63331)',
      );
    }
    return exeTarget(target);
  });
  return { targets, entry: resolve(parsed.entry), outDir: resolve(parsed.out) };
}

/**
 * The Node binary to build from: this one for this machine; else the registry package of the same
 * version (the blob and the binary it goes into must come from the same Node version, see the SEA
 * documentation), fetched once with `npm pack` into node_modules/.cache.
 */
function nodeBinaryFor(target: ExeTarget): string {
  if (target.name === hostTarget()) return process.execPath;
  const version = process.versions.node;
  const dir = join(CACHE_DIR, `${target.nodePackage}-${version}`);
  const binary = join(dir, target.binaryPath);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const packed = spawnSync('npm', ['pack', `${target.nodePackage}@${version}`, '--silent'], {
    cwd: dir,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (packed.status !== 0) {
    throw new BuildError(
      `the npm registry has no ${target.nodePackage}@${version} (the official Node ${version} binary for ${target.name})`,
    );
  }
  execFileSync('tar', ['xzf', join(dir, packed.stdout.trim()), '-C', dir, target.binaryPath]);
  return binary;
}

/**
 * Linux release binaries carry their symbol tables and DWARF (about 33 MB of the 143 MB): nothing a
 * customer's run uses, so the executable is built from a stripped copy when binutils can strip
 * that architecture; otherwise from the binary as it is.
 */
function strippedIfElf(target: ExeTarget, binary: string): string {
  if (!target.name.startsWith('linux-')) return binary;
  const stripped = join(CACHE_DIR, `${target.nodePackage}-${process.versions.node}-stripped`);
  if (existsSync(stripped)) return stripped;
  mkdirSync(CACHE_DIR, { recursive: true });
  // GNU strip knows only this machine's architecture; llvm-strip knows them all.
  const failures: string[] = [];
  for (const tool of ['strip', 'llvm-strip']) {
    const run = spawnSync(tool, ['--strip-all', '-o', stripped, binary], { encoding: 'utf8' });
    if (run.status === 0) return stripped;
    failures.push(`${tool}: ${run.error?.message ?? run.stderr.trim()}`);
  }
  rmSync(stripped, { force: true });
  process.stderr.write(`build-exe: ${target.name} keeps its symbols (${failures.join('; ')})\n`);
  return binary;
}

function buildSea(target: ExeTarget, script: string, outDir: string): string {
  const output = join(outDir, target.fileName);
  const config = join(outDir, `${target.name}.sea-config.json`);
  writeFileSync(
    config,
    JSON.stringify({
      main: script,
      mainFormat: 'module',
      executable: strippedIfElf(target, nodeBinaryFor(target)),
      output,
      disableExperimentalSEAWarning: true,
      // No code cache: V8 bytecode of the building machine's platform (wrong for other targets), and
      // measured no faster here (--version 283 ms with it, 209–267 ms without, Node 26.10).
      useCodeCache: false,
      useSnapshot: false,
    }),
  );
  rmSync(output, { force: true });
  const built = spawnSync(process.execPath, ['--build-sea', config], { encoding: 'utf8' });
  if (built.status !== 0 || !existsSync(output)) {
    throw new BuildError(`node --build-sea failed for ${target.name}: ${(built.stderr || built.stdout).trim()}`);
  }
  chmodSync(output, 0o755);
  if (target.macho && process.platform === 'darwin') {
    // The SEA documentation's last step on macOS: an ad-hoc signature, which arm64 macOS requires to run it.
    const signed = spawnSync('codesign', ['--sign', '-', output], { encoding: 'utf8' });
    if (signed.status !== 0) throw new BuildError(`codesign failed for ${output}: ${signed.stderr.trim()}`);
  }
  // The SEA documentation's injection contract: the fuse's last character flipped to 1 once the
  // blob is in. Checked here because a foreign target cannot be run on this machine.
  if (!readFileSync(output).includes(`${SEA_FUSE}:1`)) throw new BuildError(`${output}: the SEA fuse is not set`);
  return output;
}

/** Median wall time of `EXE --version`, after one warm-up run (the first reads the file from disk). */
function startupMs(exe: string): number {
  const times: number[] = [];
  for (let i = 0; i <= STARTUP_RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(exe, ['--version'], { encoding: 'utf8' });
    const ms = performance.now() - started;
    if (run.status !== 0) throw new BuildError(`${exe} --version failed: ${run.stderr.trim()}`);
    if (i > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const { targets, entry, outDir } = parsePlan(process.argv.slice(2));
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  if (!existsSync(entry)) throw new BuildError(`${entry} is missing: run \`npm run build\` first`);
  mkdirSync(outDir, { recursive: true });
  const script = join(outDir, 'ftpdoctor.mjs');
  await bundleCli({ entry, output: script, version });
  for (const target of targets) {
    const exe = buildSea(target, script, outDir);
    const mib = (statSync(exe).size / 2 ** 20).toFixed(1);
    const runs = target.name === hostTarget();
    const startup = runs ? `; --version starts in ${startupMs(exe).toFixed(0)} ms (median of ${STARTUP_RUNS})` : '';
    process.stdout.write(
      `${exe}: ${mib} MiB${startup}${target.macho && process.platform !== 'darwin' ? `; unsigned: ${MACOS_NOTE}` : ''}\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`build-exe: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
