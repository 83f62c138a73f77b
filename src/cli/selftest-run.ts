import type { Channel } from '../diagnosis/index.js';
import { defaultSettings } from '../probe/index.js';
import { EXIT } from '../report/index.js';
import { type RunningServer, startServer } from '../server/index.js';
import { measureFdBudget } from '../sweep/index.js';
import type { CheckPlan } from './check-plan.js';
import { noColorRequested } from './check-plan.js';
import { runCheck, type CheckIo } from './check-run.js';
import type { SelftestFlags } from './program.js';
import { UsageError } from './usage-error.js';

const DEFAULT_RANGE: [number, number] = [60000, 65535];
const EVERY_CHANNEL: Channel[] = ['control', 'passive', 'active', 'tls'];
/** Descriptors the rest of a check needs besides the sweep listeners and the sweep's own sockets. */
/** Descriptors kept for the control and data connections, TLS, stdio and the server's own sessions. */
const FD_RESERVE = 64;
const MIN_SWEEP_PORTS = 16;

/**
 * `ftpdoctor selftest`: the reference server in this process on loopback, in sweep mode over the
 * passive range, with a self-signed certificate; then the full check against it with every
 * channel required. Green only when control, passive (the whole range), active and TLS all work.
 */
export async function runSelftest(flags: SelftestFlags, io: CheckIo): Promise<number> {
  if (flags.range && flags.range.length > 1)
    throw new UsageError('selftest takes one passive range, e.g. --range 60000-65535');
  const sweep = flags.sweep ?? 'full';
  let range: ReturnType<typeof fitRange>;
  try {
    range = fitRange(flags.range?.[0] ?? DEFAULT_RANGE, sweep !== 'off');
  } catch (err) {
    if (!(err instanceof LocalResourceError)) throw err;
    io.stderr.write(`error: ${err.message}\n`);
    return EXIT.couldNotRun;
  }
  io.stderr.write(`selftest: starting the reference server (passive ${range.range[0]}-${range.range[1]})\n`);
  if (range.note) io.stderr.write(`${range.note}\n`);
  let server: RunningServer;
  try {
    server = await startServer({ host: '127.0.0.1', port: 0, pasvRange: range.range, sweepMode: sweep !== 'off' });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`error: the reference server could not start: ${message}\n`);
    return EXIT.couldNotRun;
  }
  try {
    const listening = server.sweepPorts?.length;
    const span = range.range[1] - range.range[0] + 1;
    if (listening !== undefined && listening < span) {
      const taken = span - listening;
      io.stderr.write(
        `note: ${taken} passive port${taken === 1 ? ' is' : 's are'} in use by other programs (seen as refused)\n`,
      );
    }
    const settings = {
      ...defaultSettings(server.host),
      port: server.port,
      tls: 'explicit' as const,
      insecure: true,
      ranges: [range.range],
      sweep,
      sweepConcurrency: Math.max(1, Math.floor(measureFdBudget().budget / 2)),
      ...(flags.timeout !== undefined
        ? { timeoutMs: flags.timeout, stepTimeoutMs: Math.min(flags.timeout, 10_000) }
        : {}),
    };
    const formatChosen = flags.json === true || flags.format !== undefined;
    const plan: CheckPlan = {
      settings,
      require: EVERY_CHANNEL,
      password: { from: 'none' },
      format: flags.json ? 'json' : (flags.format ?? 'text'),
      formatChosen,
      color: flags.color !== false && !noColorRequested(io.env),
      ...(flags.output !== undefined ? { output: flags.output } : {}),
      ...(flags.html !== undefined ? { html: flags.html } : {}),
    };
    const { exitCode, diagnosis } = await runCheck(plan, io);
    const green = diagnosis?.verdict === 'ok' && EVERY_CHANNEL.every((c) => diagnosis.channels[c].status === 'ok');
    // Exit 0 means every channel green, not merely "the required ones passed".
    return exitCode === 0 && !green ? 1 : exitCode;
  } finally {
    await server.close();
  }
}

/**
 * Sweep mode holds one descriptor per port of the range, and the sweep one per connect in flight,
 * both in this process: under a low open-file limit, a shorter range still tests every channel
 * instead of failing, and a limit too low for even a short range is this computer's, said as such.
 */
function fitRange(range: [number, number], sweepMode: boolean): { range: [number, number]; note?: string } {
  if (!sweepMode) return { range };
  const { softLimit, open } = measureFdBudget();
  const span = range[1] - range[0] + 1;
  if (softLimit === undefined) return { range };
  const fits = Math.floor((softLimit - (open ?? 0) - FD_RESERVE) / 2);
  if (fits >= span) return { range };
  if (fits < MIN_SWEEP_PORTS) {
    throw new LocalResourceError(
      `the open-file limit is ${softLimit} with ${open ?? 'an unknown number of'} descriptors open: too low to run the reference server and sweep even ${MIN_SWEEP_PORTS} ports in one process (raise it with ulimit -n, or use --sweep off)`,
    );
  }
  const shorter: [number, number] = [range[0], range[0] + fits - 1];
  return {
    range: shorter,
    note: `note: the open-file limit is ${softLimit}; sweeping ${shorter[0]}-${shorter[1]} instead of ${range[0]}-${range[1]} (raise it with ulimit -n)`,
  };
}

/** This computer cannot give the self-test what it needs: exit 3, never a firewall verdict. */
class LocalResourceError extends Error {}
