import { connectTcp } from '../net/index.js';
import {
  addressAnswers,
  type AddressCheck,
  type AddressSource,
  type AddressesObservation,
} from '../observation/index.js';
import { isIP } from 'node:net';
import type { CheckContext } from './check-context.js';
import { ControlChannel } from './control-channel.js';
import { readGreeting } from './control-session.js';
import { elapsedSince, type ProbeRun } from './probe-run.js';
import type { StepResult } from './step-runner.js';
import { Transcript } from './transcript.js';

/**
 * The control port of every address at once: the name's A/AAAA records (of the requested family)
 * and the --addresses list, each connected and greeted concurrently within one deadline (connect
 * plus greeting, two step timeouts). The full check then runs on --address, else on the first
 * address that greets with FTP, else on the first listed (whose failure the control step reports).
 */

export interface Candidate {
  address: string;
  family: 4 | 6;
  source: AddressSource;
}

/** Resolved addresses first, in resolver order, then listed ones not already there. */
export function addressCandidates(run: ProbeRun): Candidate[] {
  const { settings, log } = run;
  const out: Candidate[] = [];
  const add = (address: string, source: AddressSource): void => {
    const family = isIP(address);
    if (family === 0 || out.some((c) => c.address === address)) return;
    if (settings.family !== undefined && family !== settings.family) return;
    out.push({ address, family: family as 4 | 6, source });
  };
  for (const a of log.resolve?.addresses ?? []) add(a.address, 'dns');
  for (const a of settings.addresses ?? []) add(a, 'list');
  if (settings.address !== undefined) add(settings.address, 'list');
  return out;
}

/** One address: connect, and read the greeting on a transcript of its own (the run's stays the full check's). */
async function checkOne(run: ProbeRun, candidate: Candidate, signal: AbortSignal): Promise<AddressCheck> {
  const { settings } = run;
  const { outcome, socket } = await connectTcp({
    address: candidate.address,
    port: settings.port,
    timeoutMs: settings.stepTimeoutMs,
    signal,
  });
  const check: AddressCheck = { ...candidate, connect: outcome };
  if (!socket) return check;
  if (settings.tls === 'implicit') {
    socket.destroy();
    return check;
  }
  const quiet: ProbeRun = { ...run, signal, transcript: new Transcript(performance.now(), () => undefined) };
  const channel = new ControlChannel(socket, quiet.transcript);
  try {
    const { greeting } = await readGreeting(quiet, channel);
    check.greeting = {
      kind: greeting.kind,
      ...(greeting.reply ? { code: greeting.reply.code, text: greeting.reply.text } : {}),
      elapsedMs: greeting.elapsedMs,
    };
    if (greeting.kind === 'ftp' && channel.usable) channel.write('QUIT');
  } finally {
    channel.close();
  }
  return check;
}

/** The addresses step; only run when there is more than one address, or --address/--addresses was given. */
export async function addressesStep(ctx: CheckContext, candidates: Candidate[]): Promise<StepResult> {
  const { run } = ctx;
  const { settings, log } = run;
  const started = performance.now();
  const deadlineMs = 2 * settings.stepTimeoutMs;
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  run.signal.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(stop, deadlineMs);
  let checks: AddressCheck[];
  try {
    checks = await Promise.all(candidates.map((c) => checkOne(run, c, controller.signal)));
  } finally {
    clearTimeout(timer);
    run.signal.removeEventListener('abort', stop);
  }
  const implicit = settings.tls === 'implicit';
  const answering = checks.filter((c) => addressAnswers(c, implicit));
  const flagged = settings.address;
  const chosenBy: AddressesObservation['chosenBy'] =
    flagged !== undefined ? 'flag' : answering.length > 0 ? 'first-answering' : 'first-listed';
  const chosen = flagged ?? answering[0]?.address ?? checks[0]!.address;
  log.addresses = { checks, chosen, chosenBy, deadlineMs, elapsedMs: elapsedSince(started) };
  run.address = chosen;
  if (log.resolve) log.resolve.used = chosen;
  const silent = checks.filter((c) => !addressAnswers(c, implicit)).map((c) => `${c.address} (${c.connect.state})`);
  const summary =
    `${answering.length} of ${checks.length} addresses answer` +
    (silent.length > 0 ? `; ${silent.join(', ')} do not` : '') +
    `; checking ${chosen}`;
  return { status: silent.length === 0 ? 'ok' : answering.length === 0 ? 'fail' : 'warn', summary };
}

/** The engine's hook: the addresses step when there is a choice of address to make. */
export async function everyAddress(ctx: CheckContext): Promise<void> {
  const { settings } = ctx.run;
  const candidates = addressCandidates(ctx.run);
  const asked = settings.addresses !== undefined || settings.address !== undefined;
  if (candidates.length === 0 || (candidates.length === 1 && !asked)) return;
  await ctx.steps.step('addresses', () => addressesStep(ctx, candidates));
}
