import { dirname, join, resolve } from 'node:path';
import { rolldown, type Plugin } from 'rolldown';

/**
 * Bundles the compiled CLI (dist/cli.js) into one ES module for the single executable: Node's SEA
 * runs one embedded script and its require/import reach only built-in modules, so everything else
 * must be inside. An ES module because Ink's layout engine (yoga-layout) uses top-level await,
 * which only ES modules allow. SEA takes an ES-module entry ("mainFormat": "module", nodejs/node#61813)
 * since Node 25.7 (tried: 25.6.1 runs the entry as CommonJS, 25.7.0 as a module), so Node 26 LTS; never Node 24.
 */
export async function bundleCli(options: { entry: string; output: string; version: string }): Promise<void> {
  const bundle = await rolldown({
    input: options.entry,
    platform: 'node',
    plugins: [runTimeFilesInlined(join(dirname(options.entry), 'cli', 'version.js'), options.version)],
    // React's production build: the executable is what a customer runs, not a development session.
    transform: { define: { 'process.env.NODE_ENV': '"production"' } },
    logLevel: 'warn',
  });
  try {
    await bundle.write({
      file: options.output,
      format: 'esm',
      // One file: SEA embeds exactly one script, so no chunks for dynamic imports.
      codeSplitting: false,
      minify: true,
    });
  } finally {
    await bundle.close();
  }
}

/**
 * What the CLI reads from disk at run time or loads only for development, replaced at build time:
 * - cli/version.js reads package.json beside dist/: the executable has no package.json, so the
 *   version is written into the bundle;
 * - Ink loads ./devtools.js (and through it react-devtools-core, not a dependency) only when DEV=true
 *   and react-devtools-core is installed: an empty module, so it cannot pull that package in.
 */
function runTimeFilesInlined(versionModule: string, version: string): Plugin {
  const stubs = new Map<string, string>([
    ['\0ftpdoctor:version', `export function packageVersion() { return ${JSON.stringify(version)}; }`],
    ['\0ftpdoctor:ink-devtools', 'export {};'],
  ]);
  return {
    name: 'ftpdoctor-run-time-files',
    resolveId(source, importer) {
      if (!importer) return null;
      if (resolve(dirname(importer), source) === versionModule) return '\0ftpdoctor:version';
      if (source === './devtools.js' && /[\\/]ink[\\/]build[\\/]/.test(importer)) return '\0ftpdoctor:ink-devtools';
      return null;
    },
    load(id) {
      return stubs.get(id) ?? null;
    },
  };
}
