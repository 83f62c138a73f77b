import { describe, expect, it } from 'vitest';
import { checkToken, tokenComplete } from '../../src/sweep/sweep-token.js';

const expected = { serverId: 'a1b2c3', port: 60001 };

describe('checkToken', () => {
  it.each<[string, string, ReturnType<typeof checkToken>['ok'], string?]>([
    ['the right token', 'FTPDOCTOR a1b2c3 60001 192.0.2.7\r\n', true],
    ['the right token with an IPv6 peer', 'FTPDOCTOR a1b2c3 60001 2001:db8::7\r\n', true],
    ['nothing at all', '', false, 'no-token'],
    ['a token cut short', 'FTPDOCTOR a1b2c3 600', false, 'not-a-token'],
    ['an FTP greeting instead', '220 Welcome\r\n', false, 'not-a-token'],
    ['an HTTP proxy', 'HTTP/1.1 400 Bad Request\r\n', false, 'not-a-token'],
    ['another server id', 'FTPDOCTOR zzzzzz 60001 192.0.2.7\r\n', false, 'wrong-server'],
    ['another port (a redirect)', 'FTPDOCTOR a1b2c3 60002 192.0.2.7\r\n', false, 'wrong-port'],
    ['a token without the peer', 'FTPDOCTOR a1b2c3 60001\r\n', false, 'not-a-token'],
    ['lowercase keyword', 'ftpdoctor a1b2c3 60001 192.0.2.7\r\n', false, 'not-a-token'],
  ])('%s', (_name, received, ok, reason) => {
    const check = checkToken(received, expected);
    expect(check.ok).toBe(ok);
    if (!check.ok) expect(check.reason).toBe(reason);
  });

  it('reports what arrived, printable and capped', () => {
    const check = checkToken('\x16\x03\x01' + 'x'.repeat(200), expected);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.got).toBe('\\x16\\x03\\x01' + 'x'.repeat(77));
  });

  it.each<[string, boolean]>([
    ['FTPDOCTOR a', false],
    ['FTPDOCTOR a 1 b\r\n', true],
    ['x'.repeat(256), true],
  ])('tokenComplete(%j) = %s', (text, done) => {
    expect(tokenComplete(text)).toBe(done);
  });
});
