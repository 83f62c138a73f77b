import { describe, expect, it } from 'vitest';
import {
  decodeEprt,
  decodeEpsvReply,
  decodeHostPort,
  decodePasvReply,
  encodeEprt,
  encodeHostPort,
} from '../../src/ftp/host-port.js';
import { classifyAddress } from '../../src/ftp/address-class.js';

describe('RFC 959 host-port', () => {
  it.each([
    ['127,0,0,1,234,96', { address: '127.0.0.1', port: 60000 }],
    [' 10, 0,0,5,255,255', { address: '10.0.0.5', port: 65535 }],
  ])('decodes %s', (text, expected) => {
    expect(decodeHostPort(text)).toEqual({ ok: true, value: expected });
  });
  it.each(['1,2,3,4,5', '1,2,3,4,256,1', '1,2,3,x,5,6', ''])('refuses %j', (text) => {
    expect(decodeHostPort(text).ok).toBe(false);
  });
  it('round-trips through encode', () => {
    expect(decodeHostPort(encodeHostPort({ address: '192.0.2.7', port: 1025 }))).toEqual({
      ok: true,
      value: { address: '192.0.2.7', port: 1025 },
    });
  });
});

describe('227 replies as real servers write them', () => {
  it.each([
    ['Entering Passive Mode (127,0,0,1,234,96).', 60000],
    ['Entering Passive Mode 127,0,0,1,234,96', 60000],
    ['=127,0,0,1,234,97 ok', 60001],
  ])('finds the address in %j', (text, port) => {
    const r = decodePasvReply(text);
    expect(r.ok && r.value.port).toBe(port);
  });
  it('refuses numbers above 255', () => {
    expect(decodePasvReply('Entering Passive Mode (300,0,0,1,4,1)')).toMatchObject({ ok: false });
  });
});

describe('RFC 2428 EPRT and 229', () => {
  it.each([
    ['|1|132.235.1.2|6275|', { address: '132.235.1.2', port: 6275, family: 4 }],
    ['|2|::1|5282|', { address: '::1', port: 5282, family: 6 }],
    ['!1!10.0.0.1!21!', { address: '10.0.0.1', port: 21, family: 4 }],
  ])('decodes EPRT %s', (text, value) => {
    expect(decodeEprt(text)).toEqual({ ok: true, value });
  });
  it.each(['|3|1.2.3.4|5|', '|1|::1|5|', '|1|1.2.3.4|0|', '|1|1.2.3.4|70000|', '1|1.2.3.4|5|'])(
    'refuses EPRT %s',
    (t) => {
      expect(decodeEprt(t).ok).toBe(false);
    },
  );
  it('encodes EPRT for both families', () => {
    expect(encodeEprt({ address: '::1', port: 50000 })).toBe('|2|::1|50000|');
  });
  it.each([
    ['Entering Extended Passive Mode (|||60123|)', 60123],
    ['EPSV ok (!!!1025!)', 1025],
  ])('decodes 229 %s', (text, port) => {
    expect(decodeEpsvReply(text)).toEqual({ ok: true, value: { port } });
  });
});

describe('address classes', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.31.0.1', 'private'],
    ['192.168.50.2', 'private'],
    ['100.64.1.1', 'cgnat'],
    ['169.254.3.3', 'link-local'],
    ['127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::1', 'loopback'],
    ['fd00::1', 'private'],
    ['fe80::1', 'link-local'],
    ['8.8.8.8', 'public'],
    ['203.0.113.10', 'documentation'],
    ['nonsense', 'invalid'],
  ])('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });
});
