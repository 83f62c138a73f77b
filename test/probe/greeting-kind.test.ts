import { describe, expect, it } from 'vitest';
import { classifyGreeting, printableBytes } from '../../src/probe/greeting-kind.js';
import type { GreetingKind, Reply } from '../../src/observation/index.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const reply = (code: number, text: string): Reply => ({ code, text });

describe('what answered on the control port', () => {
  it.each<[string, Buffer, Reply | undefined, boolean, GreetingKind]>([
    ['an FTP server', bytes('220 ProFTPD Server\r\n'), reply(220, '220 ProFTPD Server'), false, 'ftp'],
    [
      'an FTP server that is full',
      bytes('421 Too many users\r\n'),
      reply(421, '421 Too many users'),
      false,
      'ftp-busy',
    ],
    [
      'a mail server',
      bytes('220 mx.example.org ESMTP Postfix\r\n'),
      reply(220, '220 mx.example.org ESMTP Postfix'),
      false,
      'smtp',
    ],
    ['an SSH server', bytes('SSH-2.0-OpenSSH_9.2p1\r\n'), undefined, false, 'ssh'],
    ['an HTTP server answering the nudge', bytes('HTTP/1.1 400 Bad Request\r\n'), undefined, false, 'http'],
    ['a TLS handshake record', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x5a]), undefined, false, 'tls'],
    ['a TLS alert record', Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02]), undefined, false, 'tls'],
    ['nothing at all, still open', Buffer.alloc(0), undefined, false, 'silent'],
    ['closed without a word', Buffer.alloc(0), undefined, true, 'closed'],
    ['the start of a reply, trickling in', bytes('22'), undefined, false, 'slow'],
    ['random bytes', bytes('\x00\x01hello'), undefined, false, 'garbage'],
    ['a reply code that is no greeting', bytes('150 what\r\n'), reply(150, '150 what'), false, 'garbage'],
  ])('%s', (_name, first, parsed, closed, expected) => {
    expect(classifyGreeting(first, parsed, closed)).toBe(expected);
  });

  it('escapes bytes for the record and caps them', () => {
    expect(printableBytes(Buffer.from('220 hi\r\n\x16\x03\\'))).toBe('220 hi\\r\\n\\x16\\x03\\\\');
    expect(printableBytes(Buffer.alloc(1000, 0x41)).length).toBe(256);
  });
});
