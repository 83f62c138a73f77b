import type { LabProcess } from './lab-process.js';
import { CONTROL_PORT } from './lab-server.js';
import type { Lab } from './netns.js';

/**
 * Something that is not an FTP server listening on port 21, as after a wrong port forward: a real
 * HTTP server (silent until it gets a request) or an SSH-like service (speaks first with its banner).
 */
export type NonFtpKind = 'http' | 'ssh';

const programs: Record<NonFtpKind, string> = {
  http: `require('http').createServer((req, res) => res.end('lab web page\\n')).listen(${CONTROL_PORT}, '0.0.0.0')`,
  ssh: `require('net').createServer((s) => { s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\\r\\n'); s.on('data', () => s.end()); s.on('error', () => {}); }).listen(${CONTROL_PORT}, '0.0.0.0')`,
};

export async function startNonFtpService(lab: Lab, kind: NonFtpKind): Promise<LabProcess> {
  const proc = lab.start('server', `${kind} responder`, [process.execPath, '-e', programs[kind]]);
  await lab.waitListening('server', CONTROL_PORT, 5_000, proc);
  return proc;
}
