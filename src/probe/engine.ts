import { runSweep } from '../sweep/port-sweep.js';
import { countPorts } from '../sweep/range-spec.js';
import { ControlChannel } from './control-channel.js';
import {
  login,
  loginIsPublic,
  negotiateExplicitTls,
  openControl,
  protectData,
  readGreeting,
  tlsOptions,
} from './control-session.js';
import { observeEnvironment } from './environment.js';
import type { ProbeEvent } from './events.js';
import { EventStream } from './event-stream.js';
import { readLocalFirewall } from './local-firewall.js';
import {
  OBSERVATION_VERSION,
  type ActiveAttempt,
  type ObservationLog,
  type PassiveAttempt,
  type ProbeSettings,
  type Protection,
  type StepId,
  type StepStatus,
  type TlsObservation,
} from './observation.js';
import { probeActive } from './active-probe.js';
import { portsStillListening } from './passive-listeners.js';
import { probePassive } from './passive-probe.js';
import { ProbeError, asProbeError } from './probe-error.js';
import { elapsedSince, type ProbeRun } from './probe-run.js';
import { resolveTarget } from './resolve.js';
import { connectTcp } from './tcp-connect.js';
import { offersExtensions, parseFeatures, parsePeerReply, parseSweepReply } from './server-view.js';
import { Transcript } from './transcript.js';
import { identifyServerSoftware } from './server-software.js';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** The login password; never stored, never emitted (the transcript shows "PASS ***"). */
  password?: string;
}

/** Port 21 (RFC 959), or 990 for implicit FTPS: IANA's "ftps" port; RFC 4217 itself defines only explicit AUTH TLS. */
export function defaultPort(tls: ProbeSettings['tls']): number {
  return tls === 'implicit' ? 990 : 21;
}

/** How each step is named for views, also when it is recorded as skipped. */
const STEP_LABELS: Record<StepId, string> = {
  resolve: 'Resolve the host name',
  'control-connect': 'Connect to the control port',
  greeting: 'Read the server greeting',
  'auth-tls': 'Negotiate TLS',
  login: 'Log in',
  features: 'Ask for features (FEAT, SYST, TYPE I)',
  'server-view': 'Ask the reference server what it sees',
  passive: 'Passive data connections (PASV, EPSV)',
  active: 'Active data connections (PORT/EPRT)',
  sweep: 'Sweep the passive port range',
  'local-firewall': "Read this computer's firewall rules",
};

export function defaultSettings(host: string): ProbeSettings {
  return {
    host,
    port: 21,
    tls: 'off',
    insecure: false,
    user: 'anonymous',
    passwordSupplied: false,
    activePorts: [50000, 50009],
    useEprt: false,
    ranges: [[60000, 65535]],
    sweep: 'full',
    pasvSamples: 8,
    followPasvAddress: false,
    timeoutMs: 120_000,
    stepTimeoutMs: 10_000,
  };
}

/** Runs the probe in the background: events as they happen, and the final log. */
export function startProbe(
  settings: ProbeSettings,
  opts: ProbeOptions = {},
): { events: AsyncIterable<ProbeEvent>; result: Promise<ObservationLog> } {
  const events = new EventStream();
  const result = runProbe(settings, { ...opts, onEvent: (e) => events.push(e) }).finally(() => events.close());
  return { events, result };
}

/**
 * Runs every step against settings.host and returns the observation log. Never throws for anything
 * the network or the server does; a stopped run (signal or deadline) returns its partial log with
 * complete=false.
 */
export async function runProbe(
  settings: ProbeSettings,
  opts: ProbeOptions & { onEvent?: (e: ProbeEvent) => void } = {},
): Promise<ObservationLog> {
  const started = performance.now();
  const controller = new AbortController();
  let abortReason: ObservationLog['abortReason'];
  const stop = (reason: NonNullable<ObservationLog['abortReason']>): void => {
    abortReason ??= reason;
    controller.abort();
  };
  const onUserAbort = (): void => stop('signal');
  if (opts.signal?.aborted) stop('signal');
  opts.signal?.addEventListener('abort', onUserAbort, { once: true });
  const deadline = setTimeout(() => stop('deadline'), settings.timeoutMs);

  const emit = (event: ProbeEvent): void => {
    try {
      opts.onEvent?.(event);
    } catch {
      // A view that throws must not break the probe; the log still records everything.
    }
  };
  const transcript = new Transcript(started, (line) => emit({ type: 'transcript', line }));
  const log: ObservationLog = {
    observationVersion: OBSERVATION_VERSION,
    startedAt: new Date().toISOString(),
    endedAt: '',
    complete: false,
    settings: { ...settings, passwordSupplied: settings.passwordSupplied || opts.password !== undefined },
    environment: { os: '', node: process.version, localAddresses: [] },
    steps: [],
    control: { implicitTls: settings.tls === 'implicit' },
    passive: [],
    active: [],
    transcript: transcript.lines,
  };
  const run: ProbeRun = {
    settings: log.settings,
    password: opts.password,
    signal: controller.signal,
    log,
    transcript,
    address: settings.host,
  };
  emit({ type: 'run-start', at: log.startedAt, host: settings.host, port: settings.port });

  const engine = new Engine(run, started, emit);
  let finished = false;
  try {
    finished = await engine.execute();
  } catch (err) {
    transcript.note(`probe stopped by an unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    clearTimeout(deadline);
    opts.signal?.removeEventListener('abort', onUserAbort);
    engine.closeAll();
  }
  const software = identifyServerSoftware({
    greeting: log.control.greeting?.reply?.text,
    syst: log.features?.systReply?.text,
    feat: log.features?.featReply?.text,
  });
  if (software) log.serverSoftware = software;
  log.endedAt = new Date().toISOString();
  log.complete = finished && !controller.signal.aborted;
  if (abortReason) log.abortReason = abortReason;
  emit({ type: 'run-end', log });
  return log;
}

type StepResult = { status: StepStatus; summary: string };

/** One way of running a data probe: over a TLS or plain control session, with PROT P or PROT C. */
interface DataMode {
  tls: boolean;
  protection: Protection;
}

/** The steps in order; holds the live control session and replaces it when it falls out of step. */
class Engine {
  private channel: ControlChannel | undefined;
  private readonly retired: ControlChannel[] = [];
  private sessionTls = false;
  private prot: Protection = 'clear';
  private extensions = false;
  private reopens = 0;
  private serverChecked = false;

  constructor(
    private readonly run: ProbeRun,
    private readonly started: number,
    private readonly emit: (e: ProbeEvent) => void,
  ) {}

  /** True when every step that should have run did. */
  async execute(): Promise<boolean> {
    const { run } = this;
    const { log, settings } = run;
    log.environment = await observeEnvironment();

    const resolved = await this.step('resolve', async () => {
      log.resolve = await resolveTarget(settings.host, settings.family, settings.stepTimeoutMs, run.signal);
      if (!log.resolve.used) return { status: 'fail', summary: log.resolve.error?.message ?? 'no address' };
      run.address = log.resolve.used;
      const all = log.resolve.addresses.map((a) => a.address).join(', ');
      return { status: 'ok', summary: `${settings.host} → ${all}; using ${run.address}` };
    });
    if (resolved !== 'ok') this.skip(['control-connect'], 'no address to connect to');
    const controlOk =
      resolved === 'ok' &&
      (await this.step('control-connect', async () => {
        const open = await openControl(run, run.address);
        log.control.connect = open.connect;
        if (open.tls) log.tls = open.tls;
        if (!open.channel) {
          const why =
            open.connect.state === 'open'
              ? `TLS failed: ${open.tls?.error?.message ?? 'unknown'}`
              : `${open.connect.state}${open.connect.errno ? ` (${open.connect.errno})` : ''}`;
          return {
            status: 'fail',
            summary: `${run.address}:${settings.port} ${why} after ${open.connect.elapsedMs} ms`,
          };
        }
        this.channel = open.channel;
        this.sessionTls = settings.tls === 'implicit';
        return {
          status: 'ok',
          summary: `connected in ${open.connect.elapsedMs} ms from ${open.channel.local.address}:${open.channel.local.port}`,
        };
      })) === 'ok';

    const sessionOk = controlOk
      ? await this.openSessionSteps()
      : this.skip(this.sessionSteps(), 'no control connection');
    if (sessionOk) {
      await this.passiveStep();
      await this.activeStep();
    } else {
      this.skip(['passive', 'active'], 'the control session did not get far enough');
    }
    if (controlOk && settings.sweep !== 'off') await this.sweepStep();
    else
      this.skip(
        ['sweep'],
        settings.sweep === 'off' ? 'sweep turned off' : 'no control connection to time the sweep from',
      );
    if (controlOk) await this.serverGone();
    await this.step('local-firewall', async () => {
      log.localFirewall = await readLocalFirewall(settings.stepTimeoutMs, run.signal);
      return log.localFirewall.readable
        ? {
            status: 'ok',
            summary: `read with ${log.localFirewall.source} (${log.localFirewall.ruleset?.length ?? 0} characters)`,
          }
        : { status: 'skipped', summary: log.localFirewall.reason ?? 'not readable' };
    });
    await this.quit();
    return !run.signal.aborted && log.steps.every((s) => s.status !== 'aborted');
  }

  /** The session steps in order (auth-tls only when TLS was asked for), or those after one of them. */
  private sessionSteps(after?: StepId): StepId[] {
    const all: StepId[] = [
      'greeting',
      ...(this.run.settings.tls === 'off' ? [] : (['auth-tls'] as const)),
      'login',
      'features',
      'server-view',
    ];
    return after ? all.slice(all.indexOf(after) + 1) : all;
  }

  /** Greeting, TLS, login, features and the server's own view; false when the session cannot go on. */
  private async openSessionSteps(): Promise<boolean> {
    const { run } = this;
    const { log, settings } = run;
    const greeted = await this.step('greeting', async () => {
      const { greeting, closedEarly } = await readGreeting(run, this.need());
      log.control.greeting = greeting;
      if (closedEarly) {
        log.control.closedEarly = {
          reason: closedEarly.message,
          code: closedEarly.code,
          elapsedMs: elapsedSince(this.started),
        };
        return { status: 'fail', summary: `${greeting.kind}: ${closedEarly.message}` };
      }
      return { status: 'ok', summary: greeting.reply?.text.split('\n')[0] ?? greeting.kind };
    });
    if (greeted !== 'ok') return this.skip(this.sessionSteps('greeting'), 'no FTP greeting');

    if (settings.tls === 'explicit' || settings.tls === 'auto') {
      const tlsStatus = await this.step('auth-tls', async () => {
        const tls = await negotiateExplicitTls(run, this.need());
        log.tls = tls;
        if (tls.established) {
          this.sessionTls = true;
          return {
            status: tls.insecureAccepted ? 'warn' : 'ok',
            summary:
              `${tls.protocol ?? 'TLS'} ${tls.cipher ?? ''}${tls.insecureAccepted ? ' (untrusted certificate accepted)' : ''}`.trim(),
          };
        }
        return settings.tls === 'auto'
          ? this.withoutTls(tls)
          : { status: 'fail', summary: tls.error?.message ?? 'TLS not established' };
      });
      if (tlsStatus === 'fail' || tlsStatus === 'aborted') {
        return this.skip(
          this.sessionSteps('auth-tls'),
          settings.tls === 'auto'
            ? 'no TLS, and the check could not go on in plain text (see the TLS step)'
            : 'TLS was required and failed',
        );
      }
    } else if (settings.tls === 'implicit') {
      this.record(
        'auth-tls',
        log.tls?.established ? 'ok' : 'fail',
        elapsedSince(this.started),
        `${log.tls?.protocol ?? 'TLS'} from the first byte (implicit FTPS)`,
      );
    }

    const loggedIn = await this.step('login', async () => {
      const channel = this.need();
      log.login = await login(run, channel);
      if (!log.login.ok) {
        const reply = log.login.passReply ?? log.login.userReply;
        return { status: 'fail', summary: `login refused: ${reply?.text.split('\n')[0] ?? 'no reply'}` };
      }
      if (this.sessionTls && log.tls) await protectData(run, channel, log.tls);
      this.prot = this.sessionTls && log.tls?.protReply?.code === 200 ? 'private' : 'clear';
      return {
        status: 'ok',
        summary: log.login.passReply?.text.split('\n')[0] ?? log.login.userReply?.text.split('\n')[0] ?? 'logged in',
      };
    });
    if (loggedIn !== 'ok') return this.skip(this.sessionSteps('login'), 'not logged in');

    await this.step('features', async () => {
      const channel = this.need();
      const t = settings.stepTimeoutMs;
      const featReply = await channel.send('FEAT', t, run.signal);
      const features = parseFeatures(featReply);
      const systReply = await channel.send('SYST', t, run.signal);
      const typeReply = await channel.send('TYPE I', t, run.signal);
      log.features = { featReply, features, systReply };
      this.extensions = offersExtensions(features);
      return {
        status: typeReply.code === 200 ? 'ok' : 'warn',
        summary: `${features.length} features; ${systReply.text.split('\n')[0]}`,
      };
    });
    if (!this.extensions) {
      this.skip(['server-view'], 'the server has no FTPDOCTOR probe extensions');
      return (
        this.channel?.usable === true || (await this.openSession(this.sessionTls, 'control channel lost after FEAT'))
      );
    }
    await this.step('server-view', async () => {
      const channel = this.need();
      const t = settings.stepTimeoutMs;
      const view: NonNullable<ObservationLog['serverView']> = {};
      const peer = parsePeerReply(await channel.send('SITE FTPDOCTOR PEER', t, run.signal));
      if (peer) view.peer = peer;
      const sweep = parseSweepReply(await channel.send('SITE FTPDOCTOR SWEEP', t, run.signal));
      if (sweep) view.sweep = sweep;
      log.serverView = view;
      return {
        status: 'ok',
        summary: `the server sees ${peer ? `${peer.address}:${peer.port}` : 'an unknown peer'}${sweep ? `; sweep listeners on ${sweepSpan(sweep.ranges)}` : ''}`,
      };
    });
    return true;
  }

  /**
   * --tls-auto without TLS: the check goes on in plain text, on a fresh control session when the
   * failed handshake took the old one down (AUTH TLS is not sent again). Only a server that refuses
   * AUTH TLS (RFC 4217 §4: a 4xx/5xx reply) is taken at its word for a real login. An untrusted
   * certificate or a handshake that broke after 234 is different: going on means logging in without
   * the encryption the server offers (or a downgrade by someone on the path), which is fine for an
   * anonymous login and never done with the user's password.
   */
  private async withoutTls(tls: TlsObservation): Promise<StepResult> {
    const { run } = this;
    const untrusted = tls.error?.code === 'E_TLS_CERT';
    const refusedByServer = tls.authReply !== undefined && tls.authReply.code !== 234;
    const why = untrusted
      ? `certificate not trusted (${tls.authorizationError ?? tls.error?.message ?? 'unknown reason'})`
      : `no TLS (${tls.error?.message ?? 'refused'})`;
    if (!refusedByServer && !loginIsPublic(run)) {
      const remedy = untrusted
        ? 'run again with --insecure to accept this certificate, or --no-tls'
        : 'fix TLS on the server, or run again with --no-tls';
      return {
        status: 'fail',
        summary: `${why}: not sending the password for ${run.settings.user} in plain text; ${remedy}`,
      };
    }
    if (
      !this.need().usable &&
      !(await this.reconnect(`${why}; opening a plain-text control session, as --tls-auto allows`))
    ) {
      return { status: 'fail', summary: `${why}, and no plain-text control session could be opened` };
    }
    tls.fellBackToPlain = true;
    return { status: 'warn', summary: `${why}; continuing in plain text${untrusted ? ' (anonymous login)' : ''}` };
  }

  /**
   * The data probes to run. Under TLS both PROT P and PROT C, so "works in clear, fails protected"
   * shows; with --tls-auto also a plain control session, since an FTP ALG can read (and rewrite)
   * 227 and PORT only when the control channel is not encrypted. That plain session is opened only
   * for anonymous logins: a real password never goes out unencrypted when TLS works.
   */
  private modes(): DataMode[] {
    if (!this.sessionTls) return [{ tls: false, protection: 'clear' }];
    const modes: DataMode[] = [
      { tls: true, protection: 'private' },
      { tls: true, protection: 'clear' },
    ];
    if (this.run.settings.tls === 'auto' && loginIsPublic(this.run)) modes.push({ tls: false, protection: 'clear' });
    return modes;
  }

  private async passiveStep(): Promise<void> {
    const { run } = this;
    await this.step('passive', async () => {
      const attempts: PassiveAttempt[] = run.log.passive;
      for (const mode of this.modes()) {
        for (const command of ['PASV', 'EPSV'] as const) {
          if (!(await this.ready(mode))) break;
          attempts.push(
            await probePassive(run, this.need(), command, mode.protection, {
              extensions: this.extensions,
              purpose: 'probe',
            }),
          );
        }
      }
      // Samples repeat whichever command got a port advertised (PASV is refused on IPv6, RFC 2428 §1).
      const first = this.modes()[0] ?? { tls: false, protection: 'clear' };
      const sampler = attempts.find((a) => a.advertised)?.command;
      const connectTimeoutMs = this.sampleConnectTimeout();
      for (let i = 1; sampler && i < run.settings.pasvSamples && !run.signal.aborted; i++) {
        if (!(await this.ready(first))) break;
        attempts.push(
          await probePassive(run, this.need(), sampler, first.protection, {
            extensions: this.extensions,
            purpose: 'sample',
            connectTimeoutMs,
          }),
        );
      }
      return tally(
        attempts.filter((a) => a.purpose === 'probe'),
        (a) => `${a.command}/${a.protection}${a.controlTls === false && this.sessionTls ? '/plain-session' : ''}`,
      );
    });
  }

  /**
   * Samples only ask "does this advertised port answer": a wait of many control round trips is
   * ample, so a blocked range costs seconds, not pasvSamples × stepTimeoutMs, before the sweep runs.
   */
  private sampleConnectTimeout(): number {
    const rtt = this.run.log.control.connect?.elapsedMs ?? this.run.settings.stepTimeoutMs;
    return Math.min(this.run.settings.stepTimeoutMs, Math.max(SAMPLE_CONNECT_FLOOR_MS, rtt * 20));
  }

  private async activeStep(): Promise<void> {
    const { run } = this;
    await this.step('active', async () => {
      const attempts: ActiveAttempt[] = run.log.active;
      for (const mode of this.modes()) {
        if (!(await this.ready(mode))) break;
        attempts.push(await probeActive(run, this.need(), mode.protection, { extensions: this.extensions }));
      }
      return tally(
        attempts,
        (a) => `${a.command}/${a.protection}${a.controlTls === false && this.sessionTls ? '/plain-session' : ''}`,
      );
    });
  }

  private async sweepStep(): Promise<void> {
    const { run } = this;
    const { log, settings } = run;
    await this.step('sweep', async () => {
      const known = portsStillListening(log.passive);
      const sweep = log.serverView?.sweep;
      if (sweep && known.length > 0) await this.releasePassiveSetup();
      log.sweep = await runSweep({
        address: run.address,
        ranges: settings.ranges,
        mode: settings.sweep === 'sample' ? 'sample' : 'full',
        ...(sweep ? { token: { serverId: sweep.serverId, listening: sweep.ranges } } : {}),
        ...(log.control.connect?.state === 'open' ? { initialRttMs: Math.max(1, log.control.connect.elapsedMs) } : {}),
        knownListening: known,
        ...(settings.sweepConcurrency !== undefined ? { maxConcurrency: settings.sweepConcurrency } : {}),
        signal: run.signal,
        onProgress: (p) =>
          this.emit({ type: 'sweep-progress', done: p.done, total: p.total, counts: p.counts, runs: p.runs }),
      });
      const counts = Object.entries(log.sweep.counts)
        .map(([state, n]) => `${n} ${state}`)
        .join(', ');
      const gone = await this.serverGone();
      if (gone) {
        log.sweep.complete = false;
        return {
          status: 'fail',
          summary: `${gone}; the sweep's ${log.sweep.portsTested} ports (${counts}) are no evidence`,
        };
      }
      return {
        status: log.sweep.complete ? 'ok' : 'warn',
        summary: `${log.sweep.portsTested} ports in ${log.sweep.elapsedMs} ms: ${counts}`,
      };
    });
  }

  /**
   * Did the server itself go away during the run? Its control connection closed and its control
   * port no longer accepts a connection. Then the resets seen after that (on data ports, on every
   * port of the sweep) are the dead server's, not a firewall's; recorded in log.control.serverGone.
   * A server that merely closed our session still answers on its port. Checked once, after the sweep.
   */
  private async serverGone(): Promise<string | undefined> {
    const { run } = this;
    if (this.serverChecked) return run.log.control.serverGone;
    this.serverChecked = true;
    const closed = this.channel ? this.channel.closedReason?.message : 'no control session was left open';
    if (closed === undefined || run.signal.aborted) return undefined;
    const probe = await connectTcp({
      address: run.address,
      port: run.settings.port,
      timeoutMs: run.settings.stepTimeoutMs,
      signal: run.signal,
    });
    probe.socket?.destroy();
    if (probe.outcome.state === 'open' || probe.outcome.state === 'aborted') return undefined;
    const gone = `the server went away during the check (${closed}; control port ${run.settings.port} now ${probe.outcome.state}${probe.outcome.errno ? ` ${probe.outcome.errno}` : ''})`;
    run.log.control.serverGone = gone;
    return gone;
  }

  /**
   * The reference server hands a connection from the control peer to the port its last PASV/EPSV
   * advertised to that session as data, with no token. When our own connection there failed (a
   * local EMFILE, say), the sweep's would be taken instead and look intercepted: ABOR with no
   * transfer running (RFC 959 §4.1.3) makes the server drop that setup first. Other servers keep
   * theirs, since a port still listening is what tells a firewall's reset apart (knownListening).
   */
  private async releasePassiveSetup(): Promise<void> {
    const channel = this.channel;
    if (!channel?.usable) return;
    try {
      await channel.send('ABOR', this.run.settings.stepTimeoutMs, this.run.signal);
    } catch {
      // The sweep runs either way; a port taken as data then shows as a token mismatch.
    }
  }

  /**
   * Makes the control session fit for the next data probe: a fresh one when the old one closed or
   * fell out of step (a reply that never came may still arrive), and the right PROT level.
   */
  private async ready({ tls, protection }: DataMode): Promise<boolean> {
    const { run } = this;
    if (run.signal.aborted) return false;
    if (this.channel?.usable && this.channel.isTls !== tls) {
      if (!(await this.openSession(tls, `opening a ${tls ? 'TLS' : 'plain-text'} control session for the comparison`)))
        return false;
    } else if (!this.channel?.usable) {
      if (this.reopens >= MAX_REOPENS) return false;
      this.reopens += 1;
      const lost = this.channel?.closedReason;
      if (
        !(await this.openSession(
          tls,
          `control session ${lost ? `lost (${lost.code}: ${lost.message})` : 'out of step'}; opening a fresh one`,
        ))
      )
        return false;
    }
    if (!tls || this.prot === protection) return true;
    const channel = this.need();
    let reply;
    try {
      reply = await channel.send(
        protection === 'private' ? 'PROT P' : 'PROT C',
        run.settings.stepTimeoutMs,
        run.signal,
      );
    } catch (err) {
      // A server may end the session right after a final reply (vsftpd exits after its "522 … session
      // reuse required"), before we saw the close: a lost session, so a fresh one (bounded by MAX_REOPENS).
      if (channel.usable || run.signal.aborted) throw err;
      return this.ready({ tls, protection });
    }
    if (protection === 'clear' && run.log.tls) run.log.tls.protClearReply = reply;
    if (reply.code !== 200) return false;
    this.prot = protection;
    return true;
  }

  /** A new control session replacing the current one, logged in; recorded in the transcript only. */
  private async openSession(tls: boolean, why: string): Promise<boolean> {
    const { run } = this;
    try {
      if (!(await this.reconnect(why))) return false;
      const channel = this.need();
      if (tls && run.settings.tls !== 'implicit') {
        const auth = await channel.send('AUTH TLS', run.settings.stepTimeoutMs, run.signal);
        if (auth.code !== 234) return false;
        await channel.upgradeTls(tlsOptions(run.settings.host), run.settings.stepTimeoutMs, run.signal);
      }
      const result = await login(run, channel);
      if (!result.ok) return false;
      const t = run.settings.stepTimeoutMs;
      await channel.send('TYPE I', t, run.signal);
      this.prot = 'clear';
      if (tls) {
        await channel.send('PBSZ 0', t, run.signal);
        if ((await channel.send('PROT P', t, run.signal)).code === 200) this.prot = 'private';
      }
      return channel.usable;
    } catch (err) {
      run.transcript.note(`could not open a fresh session: ${asProbeError(err).message}`);
      return false;
    }
  }

  /** A new control connection up to its greeting (implicit TLS included), replacing the current one. */
  private async reconnect(why: string): Promise<boolean> {
    const { run } = this;
    if (this.channel) {
      this.channel.close();
      this.retired.push(this.channel);
      this.channel = undefined;
    }
    if (run.signal.aborted) return false;
    run.transcript.note(why);
    const open = await openControl(run, run.address);
    if (!open.channel) return false;
    this.channel = open.channel;
    const { closedEarly } = await readGreeting(run, open.channel);
    return closedEarly === undefined;
  }

  private async quit(): Promise<void> {
    const channel = this.channel;
    if (!channel?.usable || this.run.signal.aborted) return;
    try {
      await channel.send('QUIT', Math.min(this.run.settings.stepTimeoutMs, 2000), this.run.signal);
    } catch {
      // The session ends either way.
    }
  }

  closeAll(): void {
    this.channel?.close();
    for (const c of this.retired) c.close();
  }

  private need(): ControlChannel {
    if (!this.channel) throw new ProbeError('E_CLOSED', 'no control session');
    return this.channel;
  }

  private async step(id: StepId, body: () => Promise<StepResult>): Promise<StepStatus> {
    const label = STEP_LABELS[id];
    const { run } = this;
    if (run.signal.aborted) return 'aborted';
    const startedMs = elapsedSince(this.started);
    this.emit({ type: 'step-start', id, label, t: startedMs });
    let result: StepResult;
    try {
      result = await body();
    } catch (err) {
      const e = asProbeError(err);
      result = { status: e.code === 'E_ABORTED' ? 'aborted' : 'fail', summary: `${e.code}: ${e.message}` };
      if (id !== 'resolve' && id !== 'control-connect' && !run.log.control.closedEarly && !this.channel?.usable) {
        run.log.control.closedEarly = { reason: e.message, code: e.code, elapsedMs: elapsedSince(this.started) };
      }
    }
    if (run.signal.aborted && result.status !== 'ok')
      result = { status: 'aborted', summary: `stopped (${run.log.abortReason ?? 'signal'}): ${result.summary}` };
    this.record(id, result.status, startedMs, result.summary);
    return result.status;
  }

  private record(id: StepId, status: StepStatus, startedMs: number, summary: string): void {
    const step = {
      id,
      label: STEP_LABELS[id],
      status,
      startedMs,
      elapsedMs: elapsedSince(this.started) - startedMs,
      summary,
    };
    this.run.log.steps.push(step);
    this.emit({ type: 'step-end', step, log: structuredClone(this.run.log) });
  }

  /** Records steps that did not run because an earlier one failed; always false (for chaining). */
  private skip(ids: StepId[], why: string): false {
    if (this.run.signal.aborted) return false;
    for (const id of ids) this.record(id, 'skipped', elapsedSince(this.started), why);
    return false;
  }
}

/** Fresh sessions a run may open after losing one: enough for a few misbehaving probes, never a loop. */
const MAX_REOPENS = 4;

/** Shortest connect wait for a PASV sample, whatever the control RTT (a loaded server answers slower). */
const SAMPLE_CONNECT_FLOOR_MS = 1000;

function tally<T extends { outcome: string }>(attempts: T[], name: (a: T) => string): StepResult {
  if (attempts.length === 0) return { status: 'fail', summary: 'no attempt could be made' };
  const ok = attempts.filter((a) => a.outcome === 'ok').length;
  const summary = attempts.map((a) => `${name(a)} ${a.outcome}`).join('; ');
  return { status: ok === attempts.length ? 'ok' : ok > 0 ? 'warn' : 'fail', summary };
}

/** "60000-65535", or "5,475 ports of 60000-65535" when ports in use elsewhere split the range. */
function sweepSpan(ranges: Array<[number, number]>): string {
  const first = ranges[0]?.[0];
  const last = ranges[ranges.length - 1]?.[1];
  if (first === undefined || last === undefined) return 'no port';
  if (ranges.length === 1) return `${first}-${last}`;
  return `${countPorts(ranges).toLocaleString('en-US')} ports of ${first}-${last}`;
}
