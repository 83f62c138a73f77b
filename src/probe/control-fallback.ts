import type { Socket } from 'node:net';
import { connectTcp, tlsHandshake, waitFor } from '../net/index.js';
import type { ControlFallbackPort, ObservationLog } from '../observation/index.js';
import type { CheckContext } from './check-context.js';
import { tlsOptions } from './control-session.js';
import type { ProbeRun } from './probe-run.js';

/** The ports a blocked control port is compared with: plain FTP (RFC 959) and implicit FTPS (RFC 4217 §1, 990). */
const FTP_PORTS = [21, 990] as const;
const IMPLICIT_TLS_PORT = 990;

/**
 * The control port did not answer: try the other FTP ports of the same address at once, with the
 * step timeout, so "only port 21 is blocked: implicit FTPS on 990 works" can be told from "nothing
 * of this host answers". On 990 a TLS handshake and the 220 greeting confirm implicit FTPS; no
 * command and no credentials are sent.
 */
export async function controlFallbackStep(ctx: CheckContext): Promise<void> {
  const { run } = ctx;
  const ports = FTP_PORTS.filter((p) => p !== run.settings.port);
  await ctx.steps.step('control-fallback', async () => {
    const tried = await Promise.all(ports.map((port) => tryPort(run, port)));
    run.log.controlFallback = { ports: tried };
    const words = tried.map((t) =>
      t.implicitTls?.greeting ? `${t.port} implicit FTPS answers` : `${t.port} ${t.connect.state}`,
    );
    const answered = tried.some((t) => t.connect.state === 'open');
    return { status: answered ? 'ok' : 'warn', summary: words.join('; ') };
  });
}

/**
 * Something answered for the host on another FTP port (a connection, or a reset: the host or a
 * rule in front of it): the sweep can still show how the passive range answers.
 */
export function hostAnswers(log: ObservationLog): boolean {
  return log.controlFallback?.ports.some((p) => p.connect.state === 'open' || p.connect.state === 'reset') === true;
}

async function tryPort(run: ProbeRun, port: number): Promise<ControlFallbackPort> {
  const t = run.settings.stepTimeoutMs;
  const { outcome, socket } = await connectTcp({ address: run.address, port, timeoutMs: t, signal: run.signal });
  if (!socket) return { port, connect: outcome };
  if (port !== IMPLICIT_TLS_PORT) {
    socket.destroy();
    return { port, connect: outcome };
  }
  try {
    const tls = await tlsHandshake(socket, tlsOptions(run.settings.host), t, run.signal);
    const greeting = await firstLine(tls, t, run.signal);
    tls.destroy();
    return { port, connect: outcome, implicitTls: { handshake: true, ...(greeting ? { greeting } : {}) } };
  } catch (err) {
    socket.destroy();
    return { port, connect: outcome, implicitTls: { handshake: false, error: (err as Error).message } };
  }
}

/** The first line the server sends, if it is an FTP greeting (220) within the wait. */
function firstLine(socket: Socket, timeoutMs: number, signal: AbortSignal): Promise<string | undefined> {
  let text = '';
  return waitFor<string | undefined>((w) => {
    w.abortOn(signal, () => w.resolve(undefined));
    w.after(timeoutMs, () => w.resolve(undefined));
    w.on(socket, 'data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\n');
      if (end >= 0 || text.length > 512) {
        const line = text.slice(0, end >= 0 ? end : 512).trimEnd();
        w.resolve(/^220[ -]/.test(line) ? line : undefined);
      }
    });
    w.on(socket, 'close', () => w.resolve(undefined));
    w.on(socket, 'error', () => w.resolve(undefined));
  });
}
