import { describe, expect, it } from 'vitest';
import { chooseView, noColorRequested } from '../../src/cli/check-plan.js';

describe('the live view only on an interactive terminal', () => {
  it.each<[boolean, NodeJS.ProcessEnv, boolean, 'live' | 'plain']>([
    [true, {}, false, 'live'],
    [true, { CI: '' }, false, 'live'],
    [true, { CI: 'false' }, false, 'live'],
    [true, { CI: 'true' }, false, 'plain'],
    [true, { CI: '1' }, false, 'plain'],
    [false, {}, false, 'plain'],
    [true, {}, true, 'plain'],
  ])('stdout a TTY: %s, env %j, format chosen: %s → %s', (stdoutIsTTY, env, formatChosen, view) => {
    expect(chooseView({ formatChosen }, { stdoutIsTTY, env })).toBe(view);
  });
});

describe('NO_COLOR (no-color.org)', () => {
  it.each<[NodeJS.ProcessEnv, boolean]>([
    [{}, false],
    [{ NO_COLOR: '' }, false],
    [{ NO_COLOR: '1' }, true],
    [{ NO_COLOR: 'yes' }, true],
  ])('%j → %s', (env, off) => {
    expect(noColorRequested(env)).toBe(off);
  });
});
