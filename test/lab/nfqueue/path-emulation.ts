import { fileURLToPath } from 'node:url';
import { delay, LabProcess, run, type RunOptions } from '../lab-process.ts';
import type { Lab } from '../netns.ts';

/**
 * Slow and lossy paths through a router namespace without sch_netem (absent from the lab kernel):
 * an iptables-nft NFQUEUE rule in the router's FORWARD chain selects the packets and nfq-delay.py
 * gives them their verdict late, or drops some. The rule lives in the router namespace (gone with
 * it); the program is stopped by its PID. Shared by the slow-path lab and `npm run bench:sweep`
 * (imported with its .ts extension: the bench runs it under node's type stripping, no bundler).
 */

const SCRIPT = fileURLToPath(new URL('./nfq-delay.py', import.meta.url));
const READY_WAIT_MS = 5_000;

export interface PathEmulation {
  /** iptables match arguments for the FORWARD rule, e.g. ['-p', 'tcp', '--tcp-flags', 'RST', 'RST']. */
  match: string[];
  delayMs: number;
  jitterMs?: number;
  /** Share of the selected packets dropped, 0..1. */
  loss?: number;
  seed?: number;
}

/** The router namespace's two doors: a daemon started there and a one-shot command run there. */
export interface RouterNamespace {
  start(name: string, argv: string[]): LabProcess;
  exec(argv: string[], opts?: RunOptions): Promise<unknown>;
}

/** The lab's router: its daemons are stopped by the lab's destroy() too. */
export function labRouter(lab: Lab): RouterNamespace {
  return {
    start: (name, argv) => lab.start('router', name, argv),
    exec: (argv, opts) => lab.exec('router', argv, opts),
  };
}

/** A router namespace by name, for callers without a lab (the sweep bench); they stop the program through stop(). */
export function routerNamespace(ns: string): RouterNamespace {
  return {
    start: (name, argv) => new LabProcess(name, ['ip', 'netns', 'exec', ns, ...argv]),
    exec: (argv, opts) => run(['ip', 'netns', 'exec', ns, ...argv], opts),
  };
}

export async function emulatePath(
  router: RouterNamespace,
  path: PathEmulation,
  queue = 0,
): Promise<{ stop(): Promise<string> }> {
  const proc = router.start('nfq-delay', [
    'python3',
    SCRIPT,
    '--queue',
    String(queue),
    '--delay-ms',
    String(path.delayMs),
    '--jitter-ms',
    String(path.jitterMs ?? 0),
    '--loss',
    String(path.loss ?? 0),
    ...(path.seed === undefined ? [] : ['--seed', String(path.seed)]),
  ]);
  const deadline = Date.now() + READY_WAIT_MS;
  while (!proc.log.includes('ready')) {
    if (!proc.running || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`nfq-delay ${proc.describeExit()} without binding its queue:\n${proc.log.slice(-1000)}`);
    }
    await delay(20);
  }
  const rule = ['FORWARD', ...path.match, '-j', 'NFQUEUE', '--queue-num', String(queue)];
  try {
    await router.exec(['iptables-nft', '-A', ...rule]);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    async stop() {
      await router.exec(['iptables-nft', '-D', ...rule], { allowFailure: true });
      await proc.stop();
      return proc.log;
    },
  };
}
