import { fileURLToPath } from 'node:url';
import { delay, type LabProcess } from '../lab-process.js';
import type { Lab } from '../netns.js';

/**
 * Slow and lossy paths through the lab's router without sch_netem (absent from the lab kernel):
 * an iptables-nft NFQUEUE rule in the router's FORWARD chain selects the packets and nfq-delay.py
 * gives them their verdict late, or drops some. The rule lives in the router namespace (gone with
 * it); the program is stopped by its PID.
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

export async function emulatePath(lab: Lab, path: PathEmulation, queue = 0): Promise<{ stop(): Promise<string> }> {
  const proc: LabProcess = lab.start('router', 'nfq-delay', [
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
    if (!proc.running || Date.now() > deadline)
      throw new Error(`nfq-delay ${proc.describeExit()} without binding its queue:\n${proc.log.slice(-1000)}`);
    await delay(20);
  }
  const rule = ['FORWARD', ...path.match, '-j', 'NFQUEUE', '--queue-num', String(queue)];
  await lab.exec('router', ['iptables-nft', '-A', ...rule]);
  return {
    async stop() {
      await lab.exec('router', ['iptables-nft', '-D', ...rule], { allowFailure: true });
      await proc.stop();
      return proc.log;
    },
  };
}
