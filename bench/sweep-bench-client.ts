// Runs inside the benchmark's client namespace: one sweep, seeded with a measured control-connect RTT,
// printed as one JSON line (with this process's peak RSS).
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { runSweep } from '../dist/sweep/port-sweep.js';

const args = JSON.parse(process.argv[2] ?? '{}');

function controlRtt(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host, port });
    socket.setTimeout(5000, () => socket.destroy(new Error('control connect timed out')));
    socket.once('connect', () => {
      resolve(performance.now() - started);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

const rtt = await controlRtt(args.address, args.controlPort);
const started = performance.now();
const sweep = await runSweep({
  address: args.address,
  ranges: [args.range],
  mode: 'full',
  initialRttMs: rtt,
  ...(args.serverId ? { token: { serverId: args.serverId } } : {}),
});
const sweepMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ sweepMs, controlRttMs: rtt, maxRssKb: process.resourceUsage().maxRSS, sweep })}\n`);
