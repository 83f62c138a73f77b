import { describe, expect, it } from 'vitest';
import { FsError, resolveVirtualPath } from '../../src/server/virtual-fs.js';
import { LoginThrottle } from '../../src/server/login-throttle.js';
import { SessionLimits } from '../../src/server/session-limits.js';

describe('resolveVirtualPath', () => {
  it.each([
    ['/', 'pub', '/pub'],
    ['/pub', 'nested/deep.txt', '/pub/nested/deep.txt'],
    ['/pub', '..', '/'],
    ['/pub', '/README.txt', '/README.txt'],
    ['/pub', './a//b/./c', '/pub/a/b/c'],
    ['/pub/nested', '../../pub', '/pub'],
    ['/', '/etc/passwd', '/etc/passwd'],
  ])('cwd %j + %j → %j', (cwd, input, expected) => {
    expect(resolveVirtualPath(cwd, input)).toBe(expected);
  });

  it.each([
    ['/', '..'],
    ['/', '../etc/passwd'],
    ['/pub', '../..'],
    ['/pub', '/../x'],
    ['/', 'a/../../b'],
  ])('refuses to climb above the root: cwd %j + %j', (cwd, input) => {
    expect(() => resolveVirtualPath(cwd, input)).toThrow(FsError);
  });
});

describe('LoginThrottle', () => {
  it('doubles the delay per failure from one address, caps it, and forgets on success', () => {
    const t = new LoginThrottle(100);
    expect([1, 2, 3, 4, 5].map(() => t.fail('192.0.2.1', 0))).toEqual([100, 200, 400, 800, 800]);
    expect(t.fail('192.0.2.2', 0)).toBe(100);
    t.succeed('192.0.2.1');
    expect(t.fail('192.0.2.1', 0)).toBe(100);
    expect(t.fail('192.0.2.1', 16 * 60_000)).toBe(100);
  });
});

describe('SessionLimits', () => {
  it('admits up to the per-address and total limits and frees places on release', () => {
    const l = new SessionLimits({ maxSessions: 3, maxSessionsPerIp: 2 });
    expect(l.admit('a')).toBeUndefined();
    expect(l.admit('a')).toBeUndefined();
    expect(l.admit('a')).toMatch(/from a \(limit 2\)/);
    expect(l.admit('b')).toBeUndefined();
    expect(l.admit('c')).toMatch(/limit 3/);
    l.release('a');
    expect(l.admit('c')).toBeUndefined();
  });
});
