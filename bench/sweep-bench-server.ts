// Runs inside the benchmark's server namespace: the reference server in sweep mode (or, with "closed",
// listening on none of the swept range), until stdin closes.
import { startServer } from '../dist/server/index.js';

const [host, pasv, mode] = process.argv.slice(2);
const [from, to] = (pasv ?? '60000-65535').split('-').map(Number);
const server = await startServer({ host, port: 2121, sweepMode: mode !== 'closed', pasvRange: [from, to] });
process.stdout.write(
  `${JSON.stringify({ serverId: server.serverId, port: server.port, sweepPorts: server.sweepPorts?.length ?? 0 })}\n`,
);
const stop = () => void server.close().then(() => process.exit(0));
process.stdin.on('end', stop).on('close', stop).resume();
process.on('SIGTERM', stop);
