import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/index.js';
import { runProbe } from '../../src/probe/index.js';
import { buildReport, renderMarkdown, renderText } from '../../src/report/index.js';
import { schemaErrors } from '../report/report-schema.js';
import { experimentServers, LOOPBACK } from './experiment-server.js';
import { settingsFor } from './probe-settings.js';

const HOST = LOOPBACK;
const start = experimentServers();
const dirs: string[] = [];
const server = (opts: { writable: boolean; root?: string }) =>
  start({ writable: opts.writable, ...(opts.root ? { root: opts.root } : {}) });

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('transfer experiments against the reference server', () => {
  it('downloads the generated file and uploads, verifies and deletes three sizes when --writable', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ftpdoctor-transfers-'));
    dirs.push(root);
    const s = await server({ writable: true, root });
    const log = await runProbe(settingsFor(s, HOST));
    expect(log.steps.find((x) => x.id === 'transfers')?.status).toBe('ok');
    const t = log.transfers;
    expect(t?.upload).toEqual({ dir: '/', chosenBy: 'reference-server' });
    // --root has no generated file: the download is skipped and says why.
    expect(t?.skipped.download).toMatch(/no file named/);
    const uploads = t?.trials.filter((x) => x.direction === 'upload') ?? [];
    expect(uploads.map((u) => [u.plannedBytes, u.outcome, u.verifiedSize, u.removal?.removed])).toEqual([
      [1024, 'ok', 1024, true],
      [65536, 'ok', 65536, true],
      [2097152, 'ok', 2097152, true],
    ]);
    expect(uploads.every((u) => /^\/ftpdoctor-[0-9a-f]{8}-\d+\.bin$/.test(u.path))).toBe(true);
    expect(uploads[2]?.transfer?.bytes).toBe(2097152);
    // Every file written was removed again: the served directory is as empty as before.
    expect(await readdir(root)).toEqual([]);
  });

  it('reads the demo tree 1 MiB file with its throughput, and writes nothing to a read-only server', async () => {
    const s = await server({ writable: false });
    const quiet = await runProbe(settingsFor(s, HOST));
    expect(quiet.transfers).toBeUndefined();
    expect(quiet.steps.some((x) => x.id === 'transfers')).toBe(false);

    const log = await runProbe(
      settingsFor(s, HOST, { transfers: { maxBytes: 4 * 1024 * 1024, download: '/pub/sample-1MiB.bin' } }),
    );
    const [download, ...rest] = log.transfers?.trials ?? [];
    expect(rest).toEqual([]);
    expect(download).toMatchObject({ direction: 'download', outcome: 'ok', plannedBytes: 1048576 });
    expect(download?.transfer).toMatchObject({ result: 'complete', bytes: 1048576 });
    expect(download?.throughputBps).toBeGreaterThan(0);
    expect(download?.final?.code).toBe(226);
    expect(log.transfers?.skipped.upload).toMatch(/not asked/);

    const report = buildReport(log, diagnose(log, { require: ['passive'] }), { argv: ['check'], version: '0.1.0' });
    expect(schemaErrors(report)).toBe('');
    expect(renderText(report)).toMatch(
      /^ {2}download 1 MB \/pub\/sample-1MiB\.bin: ok, [\d.]+ [KM]?B\/s, first byte after \d+ ms$/m,
    );
    expect(renderMarkdown(report)).toMatch(/^- upload not run: not asked \(--upload-dir DIR\)/m);
  });

  it('downloads the largest listed file within --max-bytes when none is named', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ftpdoctor-listing-'));
    dirs.push(root);
    await writeFile(join(root, 'small.txt'), 'x'.repeat(10));
    await writeFile(join(root, 'medium file.bin'), Buffer.alloc(5000, 1));
    await writeFile(join(root, 'large.bin'), Buffer.alloc(300_000, 2));
    const s = await server({ writable: false, root });
    const log = await runProbe(settingsFor(s, HOST, { transfers: { maxBytes: 100_000 } }));
    expect(log.transfers?.download).toEqual({ path: 'medium file.bin', chosenBy: 'listing' });
    expect(log.transfers?.trials.map((t) => [t.direction, t.plannedBytes, t.outcome])).toEqual([
      ['download', 5000, 'ok'],
    ]);
    // Nothing was written: no --upload-dir, and the server is read-only anyway.
    expect(log.transcript.some((l) => /^(STOR|DELE)/.test(l.text))).toBe(false);
  });

  it('skips a download larger than --max-bytes before sending RETR', async () => {
    const s = await server({ writable: false });
    const log = await runProbe(
      settingsFor(s, HOST, { transfers: { maxBytes: 100_000, download: '/pub/sample-1MiB.bin' } }),
    );
    expect(log.transfers?.trials).toEqual([]);
    expect(log.transfers?.skipped.download).toBe('/pub/sample-1MiB.bin is 1048576 bytes, more than --max-bytes 100000');
    expect(log.transcript.some((l) => /RETR/.test(l.text))).toBe(false);
  });

  it('reports a refused upload and why it could not be removed, on a read-only server asked with --upload-dir', async () => {
    const s = await server({ writable: false });
    const log = await runProbe(settingsFor(s, HOST, { transfers: { maxBytes: 2048, uploadDir: '/upload' } }));
    const [upload] = log.transfers?.trials ?? [];
    expect(upload).toMatchObject({ direction: 'upload', plannedBytes: 1024, outcome: 'refused' });
    expect(upload?.reply?.code).toBe(550);
    expect(upload?.removal).toMatchObject({ removed: true, reason: expect.stringMatching(/nothing was stored/) });
    expect(log.steps.find((x) => x.id === 'transfers')?.status).toBe('warn');
  });
});
