import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach } from 'vitest';
import { defaultSettings } from '../../src/probe/index.js';
import type { ProbeSettings } from '../../src/observation/index.js';
import { converse, startScripted, type ScriptedServer } from './scripted-server.js';

/**
 * The FTP side of a scripted misbehaving server: a login-anyone conversation each scenario bends by
 * overriding single verbs, and the probe settings that keep a run against it short and loopback-only.
 */

export const SCRIPTED_HOST = '127.0.0.1';

/** What the server writes for one command line (exactly, no terminator added), or undefined to stay silent. */
export type Answer = (command: string, socket: Socket) => string | undefined;

/** A server that logs anyone in and refuses every data command (502), unless a scenario overrides a verb. */
export function loginAnyone(overrides: Record<string, Answer> = {}, eol = '\r\n'): Answer {
  const base: Record<string, Answer> = {
    USER: () => `331 Password please${eol}`,
    PASS: () => `230 Logged in${eol}`,
    FEAT: () => `211 no features${eol}`,
    SYST: () => `215 UNIX Type: L8${eol}`,
    TYPE: () => `200 Type set${eol}`,
    NOOP: () => `200 OK${eol}`,
    // RFC 4217 §8-9: only reached once AUTH TLS succeeded.
    PBSZ: () => `200 PBSZ=0${eol}`,
    PROT: () => `200 PROT ok${eol}`,
    QUIT: (_c, socket) => {
      socket.end(`221 Bye${eol}`);
      return undefined;
    },
  };
  return (command, socket) => {
    const verb = command.split(' ')[0]?.toUpperCase() ?? '';
    const handler = overrides[verb] ?? base[verb];
    return handler ? handler(command, socket) : `502 ${verb} not implemented${eol}`;
  };
}

/** A LIST answer: 150 now, 226 a moment later, as a server that sends the listing in between would. */
export function listThenDone(eol = '\r\n'): Answer {
  return (_c, socket) => {
    setTimeout(() => socket.write(`226 Done${eol}`), 50);
    return `150 Here it comes${eol}`;
  };
}

/** One scripted server per scenario, no sweep, one PASV sample, ephemeral active ports, short steps. */
export function scriptedProbeSettings(port: number, extra: Partial<ProbeSettings> = {}): ProbeSettings {
  return {
    ...defaultSettings(SCRIPTED_HOST),
    port,
    sweep: 'off',
    pasvSamples: 1,
    activePorts: [0, 0],
    stepTimeoutMs: 1200,
    timeoutMs: 20_000,
    ...extra,
  };
}

export interface ScriptedServers {
  /** Closes the server after the current test, whatever the test's outcome. */
  track: (server: Promise<ScriptedServer>) => Promise<ScriptedServer>;
  /**
   * A tracked FTP server on SCRIPTED_HOST that greets and then answers each command line with `answer`.
   * `oneSession`: a second session while one is open gets 421 and is closed (vsftpd's max_per_ip=1),
   * for scripts whose state belongs to a single session.
   */
  ftp(
    answer: Answer,
    opts?: { greeting?: string; tls?: { wrap(socket: Socket): TLSSocket }; oneSession?: boolean },
  ): Promise<ScriptedServer>;
}

/** Call at the top of a test file: every server it tracks is closed after each test. */
export function scriptedServers(): ScriptedServers {
  const opened: ScriptedServer[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  const track = async (server: Promise<ScriptedServer>): Promise<ScriptedServer> => {
    const s = await server;
    opened.push(s);
    return s;
  };
  return {
    track,
    ftp: (answer, opts = {}) => {
      let open = 0;
      return track(
        startScripted(SCRIPTED_HOST, (socket) => {
          if (opts.oneSession && open > 0) {
            socket.end('421 There are too many connections from your internet address.\r\n');
            return;
          }
          open += 1;
          socket.once('close', () => (open -= 1));
          converse(socket, opts.greeting ?? '220 hi\r\n', answer, opts.tls);
        }),
      );
    },
  };
}
