import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { runProbe } from '../../src/probe/index.js';
import { loginAnyone, scriptedProbeSettings, scriptedServers } from './scripted-ftp.js';

/**
 * Issue 13: an active attempt judged at the data-connect deadline moves on, and the server's own
 * verdict that comes later (vsftpd's 425 after its connect_timeout) is still recorded when it comes
 * before the check ends. A scripted server on a real loopback socket stays silent after LIST, as a
 * server still trying to connect does, and answers 425 once its own connect attempt "timed out".
 */

const servers = scriptedServers();
const LATE_425 = '425 Failed to establish connection.';

function silentThen425(afterMs: number) {
  return loginAnyone({
    PORT: () => '200 PORT command successful. Consider using PASV.\r\n',
    LIST: (_c, socket) => {
      setTimeout(() => socket.write(`${LATE_425}\r\n`), afterMs);
      return undefined;
    },
  });
}

describe('a late reply to the transfer command', () => {
  it('is recorded on the attempt and in the transcript when it comes before the end of the check', async () => {
    const server = await servers.ftp(silentThen425(2000));
    // The idle test keeps the check going 3 s past the data steps, past the server's 425.
    const log = await runProbe(scriptedProbeSettings(server.port, { idleTestMs: 3000 }), {});
    const [active] = log.active;
    expect(active?.outcome).toBe('no-inbound');
    // Judged at the deadline, not after the server's 2 s.
    expect(active?.elapsedMs).toBeLessThan(2000);
    expect(active?.lateReply).toMatchObject({ code: 425, text: LATE_425 });
    expect(active?.lateReply?.afterMs).toBeGreaterThanOrEqual(1900);
    // In the transcript, on the session that sent the LIST, among the lines of the sessions opened since.
    const late = log.transcript.find((l) => l.dir === 'received' && l.text === LATE_425);
    const list = log.transcript.find((l) => l.dir === 'sent' && l.text === 'LIST');
    expect(late?.session).toBeDefined();
    expect(late?.session).toBe(list?.session);
    expect(log.transcript.some((l) => l.session !== undefined && l.session !== late?.session && l.t < late!.t)).toBe(
      true,
    );
    // The diagnosis quotes it as the server's own verdict.
    const evidence = diagnose(log, { require: ['active'] }).findings.flatMap((f) => f.evidence);
    expect(evidence.some((e) => e.fact.includes(LATE_425))).toBe(true);
  }, 20_000);

  it('is not waited for: a check that ends first records none', async () => {
    const server = await servers.ftp(silentThen425(4000));
    const started = performance.now();
    const log = await runProbe(scriptedProbeSettings(server.port), {});
    expect(performance.now() - started).toBeLessThan(4000);
    expect(log.active[0]?.outcome).toBe('no-inbound');
    expect(log.active[0]?.lateReply).toBeUndefined();
  }, 20_000);
});
