import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterEach } from 'vitest';

/**
 * A real terminal for the live view: a tmux session of a fixed size on a tmux server socket of its
 * own, so nobody else's sessions are touched. close() kills the session by its name.
 */
export class TmuxSession {
  private readonly socket: string;
  private socketPath: string | undefined;

  constructor(
    readonly name: string,
    private readonly size = { columns: 100, rows: 60 },
  ) {
    // One socket per session: a tmux server shutting down after its last session cannot race the next one.
    this.socket = `ftpdoctor-test-${name}`;
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  }

  /** Runs a shell command in the session; "EXIT=<code>" is printed when it ends and the pane stays. */
  start(command: string): void {
    const shell = `${command}; echo "EXIT=$?"; sleep 120`;
    this.tmux(
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(this.size.columns),
      '-y',
      String(this.size.rows),
      shell,
    );
    this.socketPath = this.tmux('display-message', '-p', '-t', this.name, '#{socket_path}').trim();
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** Polls the pane until it matches, bounded in time. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.screen();
      if (pattern.test(screen)) return screen;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the terminal never showed ${pattern} within ${timeoutMs} ms; last screen:\n${screen}`);
  }

  /** Kills the session (its server exits with it) and removes the socket file it leaves behind. */
  close(): void {
    try {
      this.tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}

/** One tmux session per test, closed after each test even when it fails: call the result to open it. */
export function tmuxPerTest(prefix: string): () => TmuxSession {
  let current: TmuxSession | undefined;
  let opened = 0;
  afterEach(() => {
    current?.close();
    current = undefined;
  });
  return () => {
    opened += 1;
    current = new TmuxSession(`${prefix}-${process.pid}-${opened}`);
    return current;
  };
}
