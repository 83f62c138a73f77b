import { describe, expect, it } from 'vitest';
import { classifyConnectError } from '../../src/net/connect-outcome.js';
import type { ConnectState } from '../../src/observation/index.js';

const nodeError = (code: string): Error =>
  Object.assign(new Error(`connect ${code}`), { code, errno: -1, syscall: 'connect' });

describe('classifyConnectError: what Linux returns for each firewall action', () => {
  it.each<[string, unknown, ConnectState]>([
    ['REJECT with tcp-reset / a closed port', nodeError('ECONNREFUSED'), 'reset'],
    ['ICMP host-unreachable or admin-prohibited', nodeError('EHOSTUNREACH'), 'icmp-reject'],
    ['ICMP net-unreachable or net-prohibited', nodeError('ENETUNREACH'), 'icmp-reject'],
    ['IPv6 icmp6 adm-prohibited or a prohibit route', nodeError('EACCES'), 'icmp-reject'],
    ['ICMP protocol unreachable', nodeError('ENOPROTOOPT'), 'icmp-reject'],
    ['the kernel gave up on SYN retries', nodeError('ETIMEDOUT'), 'no-answer'],
    ['our own timer fired', { timedOut: true }, 'no-answer'],
    ['the run was stopped', { aborted: true }, 'aborted'],
    ['no descriptors left in the process', nodeError('EMFILE'), 'local-error'],
    ['no descriptors left in the system', nodeError('ENFILE'), 'local-error'],
    ['the local port is taken', nodeError('EADDRINUSE'), 'local-error'],
    ['no local address for that family', nodeError('EADDRNOTAVAIL'), 'local-error'],
    ['a blackhole route', nodeError('EINVAL'), 'local-error'],
    ['no kernel buffers', nodeError('ENOBUFS'), 'local-error'],
    ['the errno given directly', { errno: 'ECONNREFUSED' }, 'reset'],
    ['an errno nobody listed is not called a firewall', nodeError('EWHATEVER'), 'local-error'],
    ['no facts at all', undefined, 'local-error'],
  ])('%s', (_name, input, expected) => {
    expect(classifyConnectError(input)).toBe(expected);
  });
});
