import { describe, expect, it } from 'vitest';
import { budgetFor, measureFdBudget, parseLimitValue, parseProcLimits } from '../../src/sweep/open-file-limit.js';

const limits = (soft: string, hard: string) =>
  `Limit                     Soft Limit           Hard Limit           Units     \n` +
  `Max cpu time              unlimited            unlimited            seconds   \n` +
  `Max open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     \n`;

describe('open-file limit', () => {
  it.each<[string, string, number | undefined]>([
    ['1024 soft', limits('1024', '4096'), 1024],
    ['unlimited', limits('unlimited', 'unlimited'), Number.MAX_SAFE_INTEGER],
    ['no such line', 'Max processes 100 100 processes\n', undefined],
  ])('parseProcLimits: %s', (_name, text, want) => {
    expect(parseProcLimits(text)).toBe(want);
  });

  it.each<[string, number | undefined]>([
    ['1024\n', 1024],
    ['unlimited\n', Number.MAX_SAFE_INTEGER],
    ['', undefined],
    ['-1', undefined],
  ])('parseLimitValue(%j)', (text, want) => {
    expect(parseLimitValue(text)).toBe(want);
  });

  it.each<[string, number | undefined, number | undefined, number]>([
    ['1024 with 20 open leaves a reserve of 102', 1024, 20, 902],
    ['256 with 10 open keeps the 32 minimum reserve', 256, 10, 214],
    ['almost exhausted still allows one', 40, 39, 1],
    ['unknown limit falls back to 200', undefined, undefined, 200],
    ['unlimited is treated as a million', Number.MAX_SAFE_INTEGER, 10, 899_990],
  ])('budgetFor: %s', (_name, soft, open, budget) => {
    expect(budgetFor(soft, open).budget).toBe(budget);
  });

  it('measures this process: a positive budget below the real soft limit', () => {
    const b = measureFdBudget();
    expect(b.softLimit).toBeGreaterThan(0);
    expect(b.budget).toBeGreaterThan(0);
    expect(b.budget).toBeLessThan(b.softLimit!);
  });
});
