import { execFile } from 'node:child_process';

export interface ToolResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs curl or lftp with a hard time limit; never throws on a non-zero exit, the test checks it. */
export function runTool(file: string, args: string[], timeoutMs = 15_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, encoding: 'buffer', maxBuffer: 8 * 1024 * 1024, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : null
          : 0;
        resolve({ code, stdout, stderr: stderr.toString('utf8') });
      },
    );
  });
}
