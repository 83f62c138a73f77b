import type { ObservationLog, StepId, TlsObservation } from '../observation/index.js';
import type { CheckContext } from './check-context.js';
import {
  binaryType,
  login,
  loginIsPublic,
  negotiateExplicitTls,
  openControl,
  protectData,
  readGreeting,
} from './control-session.js';
import { offersExtensions, parseFeatures, parsePeerReply, parseSweepReply } from './server-view.js';
import type { StepResult } from './step-runner.js';
import { firstLine, sweepSpan, tlsSummary } from './step-summaries.js';

/**
 * The first control session as steps: connect, greeting, TLS, login, features and the reference
 * server's own view, each recorded in the log. Replacement sessions reuse the same protocol
 * functions through ControlSessions (control-sessions.ts).
 */

export async function connectStep(ctx: CheckContext): Promise<StepResult> {
  const { run } = ctx;
  const open = await openControl(run, run.address);
  run.log.control.connect = open.connect;
  if (open.tls) run.log.tls = open.tls;
  const { connect } = open;
  if (!open.channel) {
    const why =
      connect.state === 'open'
        ? `TLS failed: ${open.tls?.error?.message ?? 'unknown'}`
        : `${connect.state}${connect.errno ? ` (${connect.errno})` : ''}`;
    return { status: 'fail', summary: `${run.address}:${run.settings.port} ${why} after ${connect.elapsedMs} ms` };
  }
  ctx.sessions.adopt(open.channel);
  ctx.sessionTls = run.settings.tls === 'implicit';
  const local = open.channel.local;
  return { status: 'ok', summary: `connected in ${connect.elapsedMs} ms from ${local.address}:${local.port}` };
}

/** The session steps in order (auth-tls only when TLS was asked for), or those after one of them. */
export function sessionSteps(ctx: CheckContext, after?: StepId): StepId[] {
  const all: StepId[] = [
    'greeting',
    ...(ctx.run.settings.tls === 'off' ? [] : (['auth-tls'] as const)),
    'login',
    'features',
    'server-view',
  ];
  return after ? all.slice(all.indexOf(after) + 1) : all;
}

/** Greeting, TLS, login, features and the server's own view; false when the session cannot go on. */
export async function openSessionSteps(ctx: CheckContext): Promise<boolean> {
  const { run, steps, sessions } = ctx;
  const { log, settings } = run;
  const greeted = await steps.step('greeting', async () => {
    const { greeting, closedEarly } = await readGreeting(run, sessions.session());
    log.control.greeting = greeting;
    if (!closedEarly) return { status: 'ok', summary: firstLine(greeting.reply, greeting.kind) };
    log.control.closedEarly = { reason: closedEarly.message, code: closedEarly.code, elapsedMs: steps.elapsed() };
    return { status: 'fail', summary: `${greeting.kind}: ${closedEarly.message}` };
  });
  if (greeted !== 'ok') return cannotGoOn(ctx, 'greeting', 'no FTP greeting');

  if (settings.tls === 'explicit' || settings.tls === 'auto') {
    const tlsStatus = await steps.step('auth-tls', async () => {
      const tls = await negotiateExplicitTls(run, sessions.session());
      log.tls = tls;
      if (tls.established) {
        ctx.sessionTls = true;
        return tlsSummary(tls);
      }
      if (settings.tls === 'auto') return withoutTls(ctx, tls);
      return { status: 'fail', summary: tls.error?.message ?? 'TLS not established' };
    });
    if (tlsStatus === 'fail' || tlsStatus === 'aborted') {
      return cannotGoOn(
        ctx,
        'auth-tls',
        settings.tls === 'auto'
          ? 'no TLS, and the check could not go on in plain text (see the TLS step)'
          : 'TLS was required and failed',
      );
    }
  } else if (settings.tls === 'implicit') {
    const summary = `${log.tls?.protocol ?? 'TLS'} from the first byte (implicit FTPS)`;
    steps.record('auth-tls', log.tls?.established ? 'ok' : 'fail', steps.elapsed(), summary);
  }

  const loggedIn = await steps.step('login', async () => {
    const channel = sessions.session();
    log.login = await login(run, channel);
    const { passReply, userReply } = log.login;
    if (!log.login.ok)
      return { status: 'fail', summary: `login refused: ${firstLine(passReply ?? userReply, 'no reply')}` };
    if (ctx.sessionTls && log.tls) Object.assign(log.tls, await protectData(run, channel));
    sessions.protection = ctx.sessionTls && log.tls?.protReply?.code === 200 ? 'private' : 'clear';
    return { status: 'ok', summary: firstLine(passReply ?? userReply, 'logged in') };
  });
  if (loggedIn !== 'ok') return cannotGoOn(ctx, 'login', 'not logged in');

  await steps.step('features', async () => {
    const channel = sessions.session();
    const featReply = await channel.send('FEAT', settings.stepTimeoutMs, run.signal);
    const features = parseFeatures(featReply);
    const systReply = await channel.send('SYST', settings.stepTimeoutMs, run.signal);
    const typeReply = await binaryType(run, channel);
    log.features = { featReply, features, systReply };
    ctx.extensions = offersExtensions(features);
    return {
      status: typeReply.code === 200 ? 'ok' : 'warn',
      summary: `${features.length} features; ${firstLine(systReply, '')}`,
    };
  });
  if (!ctx.extensions) {
    steps.skip(['server-view'], 'the server has no FTPDOCTOR probe extensions');
    return sessions.usable || (await sessions.reopen(ctx.sessionTls, 'control channel lost after FEAT'));
  }
  await steps.step('server-view', () => serverViewStep(ctx));
  return true;
}

export async function serverViewStep(ctx: CheckContext): Promise<StepResult> {
  const { run } = ctx;
  const channel = ctx.sessions.session();
  const t = run.settings.stepTimeoutMs;
  const view: NonNullable<ObservationLog['serverView']> = {};
  const peer = parsePeerReply(await channel.send('SITE FTPDOCTOR PEER', t, run.signal));
  if (peer) view.peer = peer;
  const sweep = parseSweepReply(await channel.send('SITE FTPDOCTOR SWEEP', t, run.signal));
  if (sweep) view.sweep = sweep;
  run.log.serverView = view;
  const seen = peer ? `${peer.address}:${peer.port}` : 'an unknown peer';
  return {
    status: 'ok',
    summary: `the server sees ${seen}${sweep ? `; sweep listeners on ${sweepSpan(sweep.ranges)}` : ''}`,
  };
}

/** Records the session steps after `after` as skipped: the session cannot go on. */
export function cannotGoOn(ctx: CheckContext, after: StepId, why: string): false {
  ctx.steps.skip(sessionSteps(ctx, after), why);
  return false;
}

/**
 * --tls-auto without TLS: the check goes on in plain text, on a fresh control session when the
 * failed handshake took the old one down (AUTH TLS is not sent again). Only a server that refuses
 * AUTH TLS (RFC 4217 §4: a 4xx/5xx reply) is taken at its word for a real login. An untrusted
 * certificate or a handshake that broke after 234 is different: going on means logging in without
 * the encryption the server offers (or a downgrade by someone on the path), which is fine for an
 * anonymous login and never done with the user's password.
 */
export async function withoutTls(ctx: CheckContext, tls: TlsObservation): Promise<StepResult> {
  const { run, sessions } = ctx;
  const untrusted = tls.error?.code === 'E_TLS_CERT' || tls.error?.code === 'E_TLS_FINGERPRINT';
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
  const reopened =
    sessions.session().usable ||
    (await sessions.reconnect(`${why}; opening a plain-text control session, as --tls-auto allows`));
  if (!reopened) return { status: 'fail', summary: `${why}, and no plain-text control session could be opened` };
  tls.fellBackToPlain = true;
  return { status: 'warn', summary: `${why}; continuing in plain text${untrusted ? ' (anonymous login)' : ''}` };
}
