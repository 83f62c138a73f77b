import type { Diagnosis, FindingCode } from '../../src/diagnosis/finding.js';
import type { ObservationLog, TransferTrial } from '../../src/observation/index.js';
import type { DiagnosisCase } from './cases.js';
import { clearLog, mutate, pasvOk, reply } from './observation-factory.js';

/**
 * The long-session experiments in the diagnosis table (issue 17): transfers by size and direction
 * (--download, --upload-dir), the idle control connection test (--idle-test) and --parallel.
 */

const KB = 1024;

function trial(direction: TransferTrial['direction'], bytes: number, outcome: TransferTrial['outcome']): TransferTrial {
  const moved = outcome === 'ok' ? bytes : Math.min(bytes, 14480);
  return {
    direction,
    path: direction === 'download' ? '/pub/big.bin' : `/upload/ftpdoctor-0a1b2c3d-${bytes}.bin`,
    plannedBytes: bytes,
    command: 'EPSV',
    protection: 'clear',
    transfer: {
      result: outcome === 'ok' ? 'complete' : 'stalled',
      bytes: moved,
      totalMs: outcome === 'ok' ? 40 : 2000,
      ...(direction === 'download' ? { firstByteMs: 3 } : {}),
    },
    ...(outcome === 'ok'
      ? { throughputBps: Math.round((bytes * 1000) / 40), final: reply(226, 'Transfer complete.') }
      : {}),
    outcome,
    ...(direction === 'upload'
      ? { verifiedSize: moved, removal: { removed: true, reply: reply(250, 'Delete operation successful.') } }
      : {}),
    elapsedMs: 50,
  };
}

function withTransfers(trials: TransferTrial[]): ObservationLog {
  return mutate(clearLog(), (l) => {
    l.transfers = {
      stallMs: 2000,
      maxBytes: 4 * KB * KB,
      upload: { dir: '/upload', chosenBy: 'flag' },
      skipped: {},
      trials,
    };
  });
}

function only(code: FindingCode, check: (f: Diagnosis['findings'][number]) => boolean, what: string) {
  return (d: Diagnosis): void => {
    const f = d.findings.find((x) => x.code === code);
    if (!f || !check(f)) throw new Error(`expected: ${what}`);
  };
}

export const LONG_SESSION_CASES: DiagnosisCase[] = [
  {
    name: 'every experiment passes: downloads, uploads, idle sessions and parallel sessions all work',
    log: mutate(
      withTransfers([trial('download', KB * KB, 'ok'), trial('upload', KB, 'ok'), trial('upload', 2 * KB * KB, 'ok')]),
      (l) => {
        l.idleTest = {
          durationMs: 8000,
          probes: [2000, 4000, 6000, 8000].map((ms) => ({
            plannedIdleMs: ms,
            idleMs: ms + 1,
            outcome: 'answered' as const,
            reply: reply(200, 'NOOP ok.'),
          })),
          survivedMs: 8001,
        };
        l.parallel = {
          requested: 2,
          command: 'EPSV',
          opened: 2,
          ownSessions: 1,
          attempts: [pasvOk(60300), pasvOk(60301)],
          reusedPorts: [],
        };
      },
    ),
    codes: [],
    allClear: true,
  },
  {
    name: 'a 1 MiB download stalls while the listing arrived: large downloads black-holed',
    log: withTransfers([
      trial('download', KB * KB, 'stalled'),
      trial('upload', KB, 'ok'),
      trial('upload', 2 * KB * KB, 'ok'),
    ]),
    codes: ['DATA_STALLED_LARGE'],
    check: only(
      'DATA_STALLED_LARGE',
      (f) => f.title === 'Small downloads work, large downloads stall',
      'the download direction',
    ),
  },
  {
    name: '1 KB uploads work, 64 KB and 2 MB stall: large uploads black-holed',
    log: withTransfers([
      trial('upload', KB, 'ok'),
      trial('upload', 64 * KB, 'stalled'),
      trial('upload', 2 * KB * KB, 'stalled'),
    ]),
    codes: ['DATA_STALLED_LARGE'],
    check: only(
      'DATA_STALLED_LARGE',
      (f) => f.title === 'Small uploads work, large uploads stall' && f.evidence.length === 3,
      'the upload direction, one small and two large',
    ),
  },
  {
    name: 'a download smaller than the listing stalls: not a size problem',
    log: withTransfers([trial('download', 100, 'stalled')]),
    codes: [],
  },
  {
    name: 'idle sessions: 2 s answered, 4 s and later lost: the limit lies between',
    log: mutate(clearLog(), (l) => {
      l.idleTest = {
        durationMs: 8000,
        probes: [
          { plannedIdleMs: 2000, idleMs: 2001, outcome: 'answered', reply: reply(200, 'NOOP ok.') },
          {
            plannedIdleMs: 4000,
            idleMs: 4001,
            outcome: 'no-answer',
            error: { code: 'E_TIMEOUT', message: 'no complete reply within 1500 ms' },
          },
          { plannedIdleMs: 6000, idleMs: 6001, outcome: 'no-answer' },
          { plannedIdleMs: 8000, idleMs: 8001, outcome: 'reset' },
        ],
        survivedMs: 2001,
        lostAfterMs: 4001,
      };
    }),
    codes: ['IDLE_CONTROL_DROPPED'],
    check: only(
      'IDLE_CONTROL_DROPPED',
      (f) => f.severity === 'warning' && f.title === 'The control connection is dropped after between 2 and 4 s idle',
      'the bounds in the title',
    ),
  },
  {
    name: "the server's own idle timeout (421) is told apart from a middlebox",
    log: mutate(clearLog(), (l) => {
      l.idleTest = {
        durationMs: 600_000,
        probes: [
          { plannedIdleMs: 150_000, idleMs: 150_001, outcome: 'answered' },
          { plannedIdleMs: 300_000, idleMs: 300_001, outcome: 'answered' },
          { plannedIdleMs: 450_000, idleMs: 450_001, outcome: 'server-closed', reply: reply(421, 'Timeout.') },
          { plannedIdleMs: 600_000, idleMs: 600_001, outcome: 'server-closed', reply: reply(421, 'Timeout.') },
        ],
        survivedMs: 300_001,
      };
    }),
    codes: ['IDLE_CONTROL_DROPPED'],
    check: only(
      'IDLE_CONTROL_DROPPED',
      (f) => f.severity === 'info' && f.where === 'server-side',
      'the server, as info',
    ),
  },
  {
    name: '--parallel 5: the third extra session gets 421 at connect',
    log: mutate(clearLog(), (l) => {
      l.parallel = {
        requested: 5,
        command: 'EPSV',
        opened: 2,
        ownSessions: 1,
        refusal: {
          session: 3,
          stage: 'greeting',
          reply: reply(421, 'There are too many connections from your internet address.'),
        },
        attempts: [pasvOk(60300), pasvOk(60301)],
        reusedPorts: [],
      };
    }),
    codes: ['SESSION_LIMIT'],
    check: only(
      'SESSION_LIMIT',
      (f) => f.title === 'The server accepts at most 3 sessions from you at once',
      'the limit counts the check’s own session',
    ),
  },
];
