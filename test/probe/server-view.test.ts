import { describe, expect, it } from 'vitest';
import {
  offersExtensions,
  parseFeatures,
  parseLastReply,
  parsePeerReply,
  parseSweepReply,
} from '../../src/probe/server-view.js';
import { parseEphemeralRange, parseOpenFilesLimit } from '../../src/probe/environment.js';

describe('reference server probe extension replies', () => {
  it('lists FEAT lines (RFC 2389) and spots the FTPDOCTOR feature', () => {
    const features = parseFeatures({
      code: 211,
      text: '211-Features:\n EPSV\n AUTH TLS\n FTPDOCTOR PEER;LASTPORT;LASTPASV;SWEEP\n211 End',
    });
    expect(features).toEqual(['EPSV', 'AUTH TLS', 'FTPDOCTOR PEER;LASTPORT;LASTPASV;SWEEP']);
    expect(offersExtensions(features)).toBe(true);
    expect(offersExtensions(['EPSV', 'FTPDOCTORISH'])).toBe(false);
    expect(parseFeatures({ code: 500, text: '500 FEAT not understood' })).toEqual([]);
  });

  it.each([
    ['200 PEER 203.0.113.7 50123', { address: '203.0.113.7', port: 50123 }],
    ['200 PEER ::1 41000', { address: '::1', port: 41000 }],
    ['200 PEER nonsense', undefined],
  ])('PEER reply %s', (text, expected) => {
    expect(parsePeerReply({ code: Number(text.slice(0, 3)), text })).toEqual(expected);
  });

  it.each([
    ['200 SWEEP srv-1 60000-65535', { serverId: 'srv-1', ranges: [[60000, 65535]] }],
    [
      '200 SWEEP abc 2000-2100,60000-60010',
      {
        serverId: 'abc',
        ranges: [
          [2000, 2100],
          [60000, 60010],
        ],
      },
    ],
    ['200 SWEEP abc 65535-60000', undefined],
    ['550 sweep mode is off', undefined],
  ])('SWEEP reply %s', (text, expected) => {
    expect(parseSweepReply({ code: Number(text.slice(0, 3)), text })).toEqual(expected);
  });

  it('keeps LASTPORT/LASTPASV arguments verbatim', () => {
    expect(parseLastReply({ code: 200, text: '200 LASTPORT 10,0,0,2,195,80' }, 'LASTPORT')).toBe('10,0,0,2,195,80');
    expect(
      parseLastReply({ code: 200, text: '200 LASTPASV 227 Entering Passive Mode (127,0,0,1,1,2).' }, 'LASTPASV'),
    ).toBe('227 Entering Passive Mode (127,0,0,1,1,2).');
    expect(parseLastReply({ code: 550, text: '550 none yet' }, 'LASTPORT')).toBeUndefined();
  });
});

describe('environment facts', () => {
  it('reads the ephemeral port range and the open-files limit', () => {
    expect(parseEphemeralRange('32768\t60999\n')).toEqual([32768, 60999]);
    expect(parseEphemeralRange('garbage')).toBeUndefined();
    expect(
      parseOpenFilesLimit(
        'Max cpu time              unlimited            unlimited            seconds\nMax open files            1024                 524288               files\n',
      ),
    ).toBe(1024);
    expect(
      parseOpenFilesLimit('Max open files            unlimited            unlimited            files\n'),
    ).toBeUndefined();
  });
});
