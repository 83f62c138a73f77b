import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/probe/index.js';
import { LiveApp } from '../../src/ui/LiveApp.js';
import { initialUiState, reduceUi } from '../../src/ui/ui-state.js';
import { pressKey } from './press-key.js';

afterEach(() => cleanup());

const asking = reduceUi(initialUiState(defaultSettings('ftp.example.com')), {
  type: 'plain-question',
  user: 'alice',
  host: 'ftp.example.com',
});

function ask() {
  const answers: boolean[] = [];
  const app = render(
    <LiveApp
      state={asking}
      width={100}
      colour={false}
      keys
      onQuit={() => undefined}
      onToggleTranscript={() => undefined}
      onComparePlainAnswer={(yes) => answers.push(yes)}
    />,
  );
  return { app, answers };
}

describe('the plain-text comparison question in the live view', () => {
  it('says whose password would cross in clear, and asks [y/N]', () => {
    const frame = ask().app.lastFrame() ?? '';
    expect(frame).toContain('as alice to ftp.example.com unencrypted');
    expect(frame).toContain('Run the plain-text comparison with your login? [y/N]');
  });

  it.each([
    ['y', [true]],
    ['n', [false]],
    ['\r', [false]],
    ['x', []],
  ])('key %j answers %j', async (key, expected) => {
    const { app, answers } = ask();
    await pressKey(app, key);
    expect(answers).toEqual(expected);
    expect(reduceUi(asking, { type: 'plain-answered' }).plainQuestion).toBeUndefined();
  });
});
