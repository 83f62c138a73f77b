import { describe, expect, it } from 'vitest';
import type { ConnectState, PassiveAttempt } from '../../src/observation/index.js';
import { portsStillListening } from '../../src/observation/index.js';

/** A passive attempt advertising `port`, with one data connect per state given. */
function advertised(port: number, states: ConnectState[], extra: Partial<PassiveAttempt> = {}): PassiveAttempt {
  return {
    command: 'PASV',
    protection: 'clear',
    controlPeer: '127.0.0.1',
    advertised: { address: '127.0.0.1', port, addressClass: 'loopback' },
    connections: states.map((state, i) => ({
      via: i === 0 ? 'advertised' : 'control-peer',
      connect: { state, address: '127.0.0.1', port, elapsedMs: 1, timeoutMs: 1000 },
    })),
    listReplies: [],
    outcome: states.includes('open') ? 'ok' : 'connect-failed',
    elapsedMs: 2,
    ...extra,
  };
}

describe('ports the server may still listen on when the sweep runs', () => {
  it.each<[string, PassiveAttempt[], number[]]>([
    ['nothing advertised', [], []],
    ['a reached port is closed by the server after its one connection', [advertised(60001, ['open'])], []],
    ['an unreached port still listens', [advertised(60002, ['no-answer'])], [60002]],
    ['reached on the second try (control peer) counts as reached', [advertised(60003, ['reset', 'open'])], []],
    ['advertised, never connected to (a third host skipped)', [advertised(60004, [])], [60004]],
    [
      'advertised again after being reached, then unreached: listening again',
      [advertised(60005, ['open']), advertised(60005, ['no-answer'])],
      [60005],
    ],
    [
      'unreached, then advertised again and reached: closed',
      [advertised(60006, ['no-answer']), advertised(60006, ['open'])],
      [],
    ],
    [
      'a reply we refused to use (privileged port) advertises no listener',
      [advertised(21, [], { parseError: 'privileged port', outcome: 'bad-reply' })],
      [],
    ],
    [
      'several, sorted and without duplicates',
      [
        advertised(60010, ['icmp-reject']),
        advertised(60008, ['no-answer']),
        advertised(60010, ['reset']),
        advertised(60009, ['open']),
      ],
      [60008, 60010],
    ],
  ])('%s', (_name, attempts, expected) => {
    expect(portsStillListening(attempts)).toEqual(expected);
  });
});
