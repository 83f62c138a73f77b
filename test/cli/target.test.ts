import { describe, expect, it } from 'vitest';
import { parseTarget, type Target } from '../../src/cli/target.js';

describe('parseTarget accepts the forms people paste', () => {
  it.each<[string, Target]>([
    ['ftp.example.com', { host: 'ftp.example.com' }],
    ['ftp.example.com.', { host: 'ftp.example.com.' }],
    ['  files.example.org  ', { host: 'files.example.org' }],
    ['localhost', { host: 'localhost' }],
    ['203.0.113.10', { host: '203.0.113.10' }],
    ['203.0.113.10:2121', { host: '203.0.113.10', port: 2121 }],
    ['ftp.example.com:21', { host: 'ftp.example.com', port: 21 }],
    ['::1', { host: '::1' }],
    ['2001:db8::10', { host: '2001:db8::10' }],
    ['[2001:db8::10]', { host: '2001:db8::10' }],
    ['[2001:db8::10]:990', { host: '2001:db8::10', port: 990 }],
    ['ftp://ftp.example.com', { host: 'ftp.example.com' }],
    ['ftp://ftp.example.com/', { host: 'ftp.example.com' }],
    ['ftp://alice@ftp.example.com:2121/pub/file.txt', { host: 'ftp.example.com', port: 2121, user: 'alice' }],
    ['FTP://Alice@FTP.Example.COM', { host: 'ftp.example.com', user: 'Alice' }],
    ['ftp://a%40b@ftp.example.com', { host: 'ftp.example.com', user: 'a@b' }],
    ['ftp://[::1]:2121', { host: '::1', port: 2121 }],
    ['ftps://ftp.example.com', { host: 'ftp.example.com', tls: 'implicit' }],
    ['ftps://ftp.example.com:9990', { host: 'ftp.example.com', port: 9990, tls: 'implicit' }],
    ['ftpes://bob@ftp.example.com', { host: 'ftp.example.com', user: 'bob', tls: 'explicit' }],
  ])('%j', (input, target) => {
    expect(parseTarget(input)).toEqual({ ok: true, target });
  });
});

describe('parseTarget refuses with a message that names the problem', () => {
  it.each<[string, RegExp]>([
    ['', /empty/],
    ['   ', /empty/],
    ['ftp.example.com:', /no port after/],
    ['ftp://%@ftp.example.com', /broken %-escape/],
    ['ftp.example.com:0', /port 0 is out of range/],
    ['ftp.example.com:65536', /port 65536 is out of range/],
    ['ftp.example.com:21x', /port "21x" is not a number/],
    ['ftp.example.com:-1', /port "-1" is not a number/],
    [':21', /no host name/],
    ['[2001:db8::10]:', /no port after/],
    ['[ftp.example.com]:21', /is not an IPv6 address/],
    ['[2001:db8::10:21', /unbalanced brackets/],
    ['2001:db8::zz', /is not an IPv6 address/],
    ['a:b:c', /is not an IPv6 address/],
    ['300.1.2.3', /not a valid IPv4 address/],
    ['bad host', /not a valid host name/],
    ['-leading.example.com', /not a valid host name/],
    ['http://ftp.example.com', /unsupported scheme "http:\/\/"/],
    ['sftp://ftp.example.com', /unsupported scheme "sftp:\/\/"/],
    ['ftp://alice:secret@ftp.example.com', /--password-env/],
    ['ftp://', /not a valid URL|no host name/],
    ['ftp://ftp.example.com:99999', /not a valid URL|out of range/],
  ])('%j', (input, message) => {
    const result = parseTarget(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(message);
      expect(result.message).not.toContain('\n');
    }
  });

  it('never repeats a password from the URL in its message', () => {
    const result = parseTarget('ftp://alice:hunter2@ftp.example.com');
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});
