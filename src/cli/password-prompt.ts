import { UsageError } from './usage-error.js';

/** A person gets this long to type the password; the prompt is a wait like any other. */
const PROMPT_TIMEOUT_MS = 5 * 60_000;

export class PromptCancelled extends Error {
  readonly code = 'E_ABORTED';
}

/**
 * Reads a password from the terminal without echoing it. The password lives only in the returned
 * string: it is never written anywhere, and the engine puts "PASS ***" in the transcript.
 */
export function promptPassword(
  question: string,
  io: { stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream },
): Promise<string> {
  const { stdin, stderr } = io;
  if (!stdin.isTTY) {
    return Promise.reject(new UsageError('a password is needed but stdin is not a terminal: use --password-env VAR'));
  }
  return new Promise((resolve, reject) => {
    let typed = '';
    const wasRaw = stdin.isRaw;
    const finish = (outcome: () => void): void => {
      clearTimeout(timer);
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stderr.write('\n');
      outcome();
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(typed));
        if (ch === '\u0003' || ch === '\u0004')
          return finish(() => reject(new PromptCancelled('password prompt cancelled')));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    const timer = setTimeout(
      () => finish(() => reject(new PromptCancelled('no password typed within 5 minutes'))),
      PROMPT_TIMEOUT_MS,
    );
    stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
