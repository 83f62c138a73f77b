// Runs inside the benchmark's client namespace: one sweep, seeded with a measured control-connect RTT,
// printed as one JSON line (with this process's peak RSS). With calibrateOn (a closed port), the sweep
// is first calibrated from a timed refusal there and the control connects' times. The probe engine
// takes the same deadline but times the refusal beside an answers-only first pass, then sweeps the
// ports that pass read as silent again (src/probe/data-steps.ts): one pass more than measured here.
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { calibratedBounds, calibrateSweep } from '../dist/sweep/calibration.js';
import { runSweep } from '../dist/sweep/port-sweep.js';

const args = JSON.parse(process.argv[2] ?? '{}');

// The control connection's source port is chosen below the swept range: a rule written without a
// direction would otherwise drop the SYN-ACK to a kernel-chosen port in 60000-60999 (the sweep itself
// binds its source ports the same way; the probe engine's control connection is not the bench's subject).
function controlRtt(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host, port, localPort: 40000 + Math.floor(Math.random() * 10000) });
    socket.setTimeout(5000, () => socket.destroy(new Error('control connect timed out')));
    socket.once('connect', () => {
      resolve(performance.now() - started);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

const rtt = await controlRtt(args.address, args.controlPort);
const cpuBefore = process.cpuUsage();
const started = performance.now();
// The engine has the control connect and its passive data connects as answers; here, three control connects.
const calibration =
  args.calibrateOn === undefined
    ? undefined
    : await calibrateSweep({
        address: args.address,
        closedPort: args.calibrateOn,
        answerSamplesMs: [
          rtt,
          await controlRtt(args.address, args.controlPort),
          await controlRtt(args.address, args.controlPort),
        ],
        signal: AbortSignal.timeout(60_000),
      });
const sweep = await runSweep({
  ...(calibration ? { rttBounds: calibratedBounds(calibration) } : {}),
  address: args.address,
  ranges: [args.range],
  mode: 'full',
  initialRttMs: rtt,
  ...(args.maxConcurrency ? { maxConcurrency: args.maxConcurrency } : {}),
  ...(args.serverId ? { token: { serverId: args.serverId } } : {}),
});
const sweepMs = performance.now() - started;
// CPU of this process during the sweep alone (startup excluded): on a shared machine, the steadier figure.
const cpu = process.cpuUsage(cpuBefore);
const sweepCpuMs = { user: cpu.user / 1000, system: cpu.system / 1000 };
process.stdout.write(
  `${JSON.stringify({ sweepMs, sweepCpuMs, controlRttMs: rtt, maxRssKb: process.resourceUsage().maxRSS, sweep, calibration })}\n`,
);
