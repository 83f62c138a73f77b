import { describe, expect, it } from 'vitest';
import { countPorts, formatRanges, parseRangeSpec } from '../../src/ftp/port-ranges.js';

describe('parseRangeSpec accepts ports and ranges', () => {
  it.each([
    ['60000-65535', [[60000, 65535]]],
    [
      '1000-1010,2000',
      [
        [1000, 1010],
        [2000, 2000],
      ],
    ],
    [
      ' 2000 , 1000-1010 ',
      [
        [1000, 1010],
        [2000, 2000],
      ],
    ],
    ['1-65535', [[1, 65535]]],
    ['65535', [[65535, 65535]]],
    ['5000-5000', [[5000, 5000]]],
    ['1000-1010,1005-1020', [[1000, 1020]]],
    ['1000-1010,1011-1020', [[1000, 1020]]],
    [
      '1000-1010,1012',
      [
        [1000, 1010],
        [1012, 1012],
      ],
    ],
    ['60000 - 60010', [[60000, 60010]]],
    ['60000\u201360010', [[60000, 60010]]],
  ])('%j -> %j', (spec, ranges) => {
    expect(parseRangeSpec(spec)).toEqual({ ok: true, ranges });
  });
});

describe('parseRangeSpec refuses bad specs with a specific message', () => {
  it.each([
    ['65535-60000', 'E_RANGE_REVERSED', /backwards.*60000-65535/],
    ['0-10', 'E_RANGE_PORT_ZERO', /port 0/],
    ['0', 'E_RANGE_PORT_ZERO', /port 0/],
    ['abc', 'E_RANGE_SYNTAX', /"abc" is not a port/],
    ['60000-70000', 'E_RANGE_PORT_TOO_HIGH', /port 70000, above the highest TCP port 65535/],
    ['65536', 'E_RANGE_PORT_TOO_HIGH', /65536/],
    ['9999999', 'E_RANGE_SYNTAX', /not a port/],
    ['', 'E_RANGE_EMPTY', /empty/],
    ['   ', 'E_RANGE_EMPTY', /empty/],
    ['1000,,2000', 'E_RANGE_SYNTAX', /empty item/],
    ['1000-', 'E_RANGE_SYNTAX', /"1000-"/],
    ['-5', 'E_RANGE_SYNTAX', /"-5"/],
    ['1000-2000-3000', 'E_RANGE_SYNTAX', /not a port/],
    ['1e3', 'E_RANGE_SYNTAX', /not a port/],
    ['2000,abc', 'E_RANGE_SYNTAX', /"abc"/],
  ])('%j -> %s', (spec, code, message) => {
    const result = parseRangeSpec(spec);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.message).toMatch(message);
  });
});

describe('range helpers', () => {
  it.each([
    [[[60000, 65535]], 5536, '60000-65535'],
    [
      [
        [1000, 1010],
        [2000, 2000],
      ],
      12,
      '1000-1010,2000',
    ],
    [[], 0, ''],
  ] as Array<[Array<[number, number]>, number, string]>)('%j counts %i ports and prints %j', (ranges, n, text) => {
    expect(countPorts(ranges)).toBe(n);
    expect(formatRanges(ranges)).toBe(text);
  });
});
