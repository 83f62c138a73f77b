import { randomBytes } from 'node:crypto';
import type { TransferDirection, TransferTrial, TransfersObservation } from '../observation/index.js';
import type { CheckContext } from './check-context.js';
import type { ControlChannel } from './control-channel.js';
import { dataModes } from './data-plan.js';
import { readToEnd } from './data-transfer.js';
import { sendGenerated } from './generated-upload.js';
import { largestFileUpTo } from './listed-files.js';
import { firstLine } from './step-summaries.js';
import type { ProbeRun } from './probe-run.js';
import { transfersSummary } from './transfer-summary.js';
import { runTransferTrial } from './transfer-data.js';

/** Generated upload sizes: one packet, a TCP window's worth, and well past any socket buffer's first burst. */
export const UPLOAD_SIZES = [1024, 64 * 1024, 2 * 1024 * 1024] as const;
/** --max-bytes unset: enough for the largest upload and the reference server's 1 MiB file. */
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** A stall is no progress for this many control round trips, and never less than the floor. */
const STALL_RTTS = 50;
const STALL_FLOOR_MS = 2000;
/** After the last upload byte left, the final reply may wait for the bytes still in flight at this rate. */
const SLOWEST_UPLOAD_BYTES_PER_S = 100 * 1024;

/**
 * The transfer experiments, after the data steps: a download and uploads of a few sizes over the
 * passive command that already worked. They run only when asked (--download, --upload-dir) or
 * against a reference server started --writable; nothing is written anywhere else.
 */
export async function transfersStep(ctx: CheckContext): Promise<void> {
  const { run } = ctx;
  const asked = run.settings.transfers;
  const offered = ctx.extensions ? await referenceTargets(ctx) : {};
  if (!asked && offered.upload === undefined) return;
  await ctx.steps.step('transfers', async () => {
    const maxBytes = asked?.maxBytes ?? DEFAULT_MAX_BYTES;
    const rtt = run.log.control.connect?.elapsedMs ?? run.settings.stepTimeoutMs;
    const log: TransfersObservation = {
      stallMs: Math.min(run.settings.stepTimeoutMs, Math.max(STALL_FLOOR_MS, rtt * STALL_RTTS)),
      maxBytes,
      skipped: {},
      trials: [],
    };
    run.log.transfers = log;
    const uploadDir = asked?.uploadDir ?? offered.upload;
    if (uploadDir !== undefined)
      log.upload = { dir: uploadDir, chosenBy: asked?.uploadDir !== undefined ? 'flag' : 'reference-server' };
    const command = run.log.passive.find((a) => a.outcome === 'ok')?.command;
    if (!command) {
      const why = 'no passive transfer worked, so a larger one would only fail the same way';
      log.skipped = { download: why, upload: why };
      return { status: 'skipped', summary: why };
    }
    const mode = dataModes(run, ctx.sessionTls)[0] ?? { tls: false, protection: 'clear' as const };
    const trial = { command, protection: mode.protection };
    const session = async (): Promise<ControlChannel | undefined> =>
      (await ctx.sessions.prepareFor(mode)) ? ctx.sessions.session() : undefined;

    const download = await chooseDownload(run, log, session, trial, asked?.download, offered.download);
    if (download === undefined) log.skipped.download ??= 'no file named (--download PATH)';
    else await downloadTrial(run, log, session, { ...trial, direction: 'download', path: download });

    if (uploadDir === undefined) log.skipped.upload = 'not asked (--upload-dir DIR): nothing is written to the server';
    else {
      const sizes = UPLOAD_SIZES.filter((size) => size <= maxBytes);
      const unique = `ftpdoctor-${randomBytes(4).toString('hex')}`;
      for (const size of sizes) {
        if (run.signal.aborted) break;
        const path = `${uploadDir.replace(/\/+$/, '')}/${unique}-${size}.bin`;
        await uploadTrial(run, log, session, { ...trial, direction: 'upload', path, plannedBytes: size });
      }
    }
    return transfersSummary(log);
  });
}

type Session = () => Promise<ControlChannel | undefined>;

/** Bytes of the first listing kept for choosing a file: thousands of entries. */
const LISTING_KEEP_BYTES = 256 * 1024;

/**
 * The file to download: the one named with --download, else the reference server's generated
 * file, else (when the experiments were asked for at all) the largest file of at most --max-bytes
 * in the listing of the login directory. Recorded in log.download with who chose it.
 */
async function chooseDownload(
  run: ProbeRun,
  log: TransfersObservation,
  session: Session,
  trial: Pick<TransferTrial, 'command' | 'protection'>,
  named: string | undefined,
  offered: string | undefined,
): Promise<string | undefined> {
  if (named !== undefined) return (log.download = { path: named, chosenBy: 'flag' }).path;
  if (offered !== undefined) return (log.download = { path: offered, chosenBy: 'reference-server' }).path;
  if (!run.settings.transfers) return undefined;
  const channel = await session();
  if (!channel) return undefined;
  const kept: Buffer[] = [];
  let keptBytes = 0;
  const keep = (chunk: Buffer): void => {
    if (keptBytes >= LISTING_KEEP_BYTES) return;
    kept.push(chunk);
    keptBytes += chunk.length;
  };
  const t = run.settings.stepTimeoutMs;
  const listing = await runTransferTrial(
    run,
    channel,
    { ...trial, direction: 'download', path: '.' },
    async (stream) => ({
      transfer: await readToEnd(stream, { idleMs: log.stallMs, maxMs: t * 6, signal: run.signal, onData: keep }),
      finalWaitMs: t,
    }),
    'LIST',
  );
  const file =
    listing.outcome === 'ok' ? largestFileUpTo(Buffer.concat(kept).toString('utf8'), log.maxBytes) : undefined;
  if (!file) {
    log.skipped.download = `no --download PATH, and the login directory's listing (LIST: ${listing.outcome}) names no file of 1 to ${log.maxBytes} bytes`;
    return undefined;
  }
  return (log.download = { path: file.name, chosenBy: 'listing' }).path;
}
type TrialPlan = Omit<TransferTrial, 'outcome' | 'elapsedMs'> & { direction: TransferDirection };

async function downloadTrial(
  run: ProbeRun,
  log: TransfersObservation,
  session: Session,
  plan: TrialPlan,
): Promise<void> {
  const channel = await session();
  if (!channel) return void (log.skipped.download = 'no usable control session');
  const t = run.settings.stepTimeoutMs;
  const size = await channel.send(`SIZE ${plan.path}`, t, run.signal);
  const bytes = size.code === 213 ? Number(size.text.replace(/^213[ -]/, '').trim()) : NaN;
  // A file of unknown size is not read: the download is bounded in bytes before it starts.
  if (!Number.isSafeInteger(bytes))
    return void (log.skipped.download = `SIZE ${plan.path} answered ${firstLine(size, String(size.code))}`);
  if (bytes > log.maxBytes)
    return void (log.skipped.download = `${plan.path} is ${bytes} bytes, more than --max-bytes ${log.maxBytes}`);
  const trial = await runTransferTrial(run, channel, { ...plan, plannedBytes: bytes }, async (stream) => ({
    transfer: await readToEnd(stream, { idleMs: log.stallMs, maxMs: t * 6, signal: run.signal }),
    finalWaitMs: t,
  }));
  log.trials.push(trial);
}

async function uploadTrial(run: ProbeRun, log: TransfersObservation, session: Session, plan: TrialPlan): Promise<void> {
  const channel = await session();
  const size = plan.plannedBytes ?? 0;
  if (!channel) return void (log.skipped.upload = 'no usable control session');
  const t = run.settings.stepTimeoutMs;
  const trial = await runTransferTrial(run, channel, plan, async (stream) => ({
    transfer: await sendGenerated(stream, size, { idleMs: log.stallMs, maxMs: t * 6, signal: run.signal }),
    finalWaitMs: log.stallMs + Math.ceil((size * 1000) / SLOWEST_UPLOAD_BYTES_PER_S),
  }));
  log.trials.push(trial);
  // Even a refused or stalled STOR may have left a partial file: check and remove, on a fresh session if need be.
  const cleanup = await session();
  if (!cleanup) {
    trial.removal = { removed: false, reason: `no usable control session to delete ${plan.path}; remove it by hand` };
    return;
  }
  const stored = await cleanup.send(`SIZE ${plan.path}`, t, run.signal);
  if (stored.code === 213) trial.verifiedSize = Number(stored.text.replace(/^213[ -]/, '').trim());
  const dele = await cleanup.send(`DELE ${plan.path}`, t, run.signal);
  if (dele.code === 250) trial.removal = { removed: true, reply: dele };
  else if (stored.code === 550)
    trial.removal = { removed: true, reply: dele, reason: 'the server holds no such file: nothing was stored' };
  else
    trial.removal = { removed: false, reply: dele, reason: `DELE answered ${dele.code}; remove ${plan.path} by hand` };
}

/** What the reference server offers (SITE FTPDOCTOR TRANSFER): its generated file, and an upload directory when writable. */
async function referenceTargets(ctx: CheckContext): Promise<{ download?: string; upload?: string }> {
  const channel = ctx.sessions.channel;
  if (!channel?.usable) return {};
  try {
    const reply = await channel.send('SITE FTPDOCTOR TRANSFER', ctx.run.settings.stepTimeoutMs, ctx.run.signal);
    if (reply.code !== 200) return {};
    const facts = Object.fromEntries(
      reply.text
        .split(/\s+/)
        .map((word) => word.split('='))
        .filter((kv): kv is [string, string] => kv.length === 2),
    );
    return {
      ...(facts.download ? { download: facts.download } : {}),
      ...(facts.upload ? { upload: facts.upload } : {}),
    };
  } catch {
    return {};
  }
}
