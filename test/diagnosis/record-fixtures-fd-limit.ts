import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';

/**
 * A real open-file limit for one recording (RLIMIT_NOFILE, via util-linux prlimit on this very
 * process): exhaust() lowers the soft limit to the lowest descriptor number not in use, so the next
 * socket(), listen() or spawn of this process fails with EMFILE while everything already open keeps
 * working. Raising it again needs a new process, which EMFILE forbids by then: a shell started
 * beforehand waits on a pipe and restores the original limit when restore() writes to it.
 */
export interface DescriptorLimit {
  exhaust(): void;
  restore(): Promise<void>;
}

export function prepareDescriptorLimit(): DescriptorLimit {
  const pid = String(process.pid);
  const current = spawnSync('prlimit', ['--pid', pid, '--nofile', '--raw', '--noheadings', '--output=SOFT,HARD'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  const [soft, hard] = current.stdout.trim().split(/\s+/);
  if (current.status !== 0 || !soft || !hard)
    throw new Error(`prlimit could not read the open-file limit: ${current.stderr}`);
  const restorer = spawn('sh', ['-c', `read _ ; exec prlimit --pid ${pid} --nofile=${soft}:${hard}`], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const exited = new Promise<number | null>((resolve) => restorer.once('exit', (code) => resolve(code)));
  let lowered = false;
  return {
    exhaust() {
      const limit = lowestFreeDescriptor();
      const set = spawnSync('prlimit', ['--pid', pid, `--nofile=${limit}:${hard}`], {
        encoding: 'utf8',
        timeout: 10_000,
      });
      if (set.status !== 0) throw new Error(`prlimit could not lower the open-file limit to ${limit}: ${set.stderr}`);
      lowered = true;
    },
    async restore() {
      if (restorer.stdin.writableEnded) return;
      restorer.stdin.end('\n');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
      if (code === 'timeout') restorer.kill();
      if (lowered && code !== 0) throw new Error(`the open-file limit was not restored (restorer ended with ${code})`);
    },
  };
}

/** The lowest descriptor number this process has free, ignoring the one used to list /proc/self/fd itself. */
function lowestFreeDescriptor(): number {
  const used = new Set<number>();
  for (const name of readdirSync('/proc/self/fd')) {
    try {
      if (!/\/fd$/.test(readlinkSync(`/proc/self/fd/${name}`))) used.add(Number(name));
    } catch {
      // The directory handle of the listing is gone by now: a free number.
    }
  }
  let n = 0;
  while (used.has(n)) n++;
  return n;
}
