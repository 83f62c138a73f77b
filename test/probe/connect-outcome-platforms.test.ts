import { describe, expect, it } from 'vitest';
import { classifyConnectError } from '../../src/net/connect-outcome.js';
import { MACOS_ERRNO, WINDOWS_ERRNO } from '../../src/net/connect-outcome-platforms.js';
import type { ConnectState } from '../../src/observation/index.js';

const nodeError = (code: string): Error => Object.assign(new Error(`connect ${code}`), { code, syscall: 'connect' });

describe('classifyConnectError per platform', () => {
  it.each<[NodeJS.Platform, string, ConnectState]>([
    // Windows: a local Windows Filtering Platform block is EACCES, never an ICMP reject.
    ['win32', 'EACCES', 'local-error'],
    ['win32', 'ECONNREFUSED', 'reset'],
    ['win32', 'ECONNRESET', 'reset'],
    ['win32', 'EHOSTUNREACH', 'icmp-reject'],
    ['win32', 'ENETUNREACH', 'icmp-reject'],
    ['win32', 'ETIMEDOUT', 'no-answer'],
    ['win32', 'EINVAL', 'local-error'],
    ['win32', 'ENOPROTOOPT', 'local-error'],
    // macOS: an ICMP port-unreachable is ECONNREFUSED, the same as a reset.
    ['darwin', 'ECONNREFUSED', 'reset'],
    ['darwin', 'EHOSTUNREACH', 'icmp-reject'],
    ['darwin', 'EACCES', 'local-error'],
    ['darwin', 'EPERM', 'local-error'],
    ['darwin', 'ETIMEDOUT', 'no-answer'],
    // Linux keeps its measured table: IPv6 adm-prohibited arrives as EACCES.
    ['linux', 'EACCES', 'icmp-reject'],
    ['linux', 'ECONNREFUSED', 'reset'],
    ['freebsd', 'EACCES', 'icmp-reject'],
  ])('%s %s -> %s', (platform, code, state) => {
    expect(classifyConnectError(nodeError(code), platform)).toBe(state);
  });

  it('our own timer and an abort mean the same everywhere', () => {
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      expect(classifyConnectError({ timedOut: true }, platform)).toBe('no-answer');
      expect(classifyConnectError({ aborted: true }, platform)).toBe('aborted');
    }
  });

  it('where one name covers two causes, the table names both', () => {
    expect(WINDOWS_ERRNO.ECONNRESET!.cause).toMatch(/port-unreachable.*cannot be told apart/);
    expect(MACOS_ERRNO.ECONNREFUSED!.cause).toMatch(/reset.*ICMP port.*cannot be told apart/);
    expect(WINDOWS_ERRNO.EACCES!.cause).toMatch(/never an ICMP reject/);
    for (const table of [WINDOWS_ERRNO, MACOS_ERRNO])
      expect(Object.values(table).filter((m) => m.source === '')).toEqual([]);
  });
});
