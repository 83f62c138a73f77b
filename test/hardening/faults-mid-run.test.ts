import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schemaErrors } from '../report/report-schema.js';
import {
  converse,
  hostPortNumbers,
  pasvReply,
  startDataListener,
  startScripted,
  type ScriptedServer,
} from '../probe/scripted-server.js';
import { runCli, startServerProcess, type CliRun, type ServerProcess } from './reference-process.js';

/**
 * Faults in the middle of a run, through the built CLI: the reference server (a child process) is
 * killed during the sweep, during the data probes, during TLS; a server resets the control
 * connection mid-transfer. The report must still come out (stdout and --output), say where it is
 * incomplete, blame no firewall for a dead server, and the exit code must say what happened.
 */

const dir = mkdtempSync(join(tmpdir(), 'ftpdoctor-faults-'));
const servers: ServerProcess[] = [];
const scripted: ScriptedServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill()));
  await Promise.all(scripted.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ReportView {
  complete: boolean;
  verdict: string;
  channels: Record<string, { status: string; summary: string }>;
  findings: Array<{ code: string; channel: string }>;
  sweep: { performed: boolean; complete?: boolean };
  observations: {
    control: { serverGone?: string; closedEarly?: { code: string } };
    passive: Array<{ outcome: string }>;
  };
}

/** Runs a check against a reference server process and kills it (SIGKILL, by PID) when stderr shows `when`. */
async function checkAndKill(
  when: string,
  args: string[],
  range: string,
): Promise<{ run: CliRun; report: ReportView; written: ReportView }> {
  const server = await startServerProcess(['--pasv-range', range, '--sweep-mode']);
  servers.push(server);
  const output = join(dir, `report-${server.port}.json`);
  let killed = false;
  const run = await runCli(
    [
      'check',
      `127.0.0.1:${server.port}`,
      '--range',
      range,
      '--step-timeout',
      '2s',
      '--timeout',
      '60s',
      '--output',
      output,
      ...args,
    ],
    {
      timeoutMs: 60_000,
      onSpawn: (child) => {
        let err = '';
        child.stderr!.on('data', (c: Buffer) => {
          err += c.toString();
          if (!killed && err.includes(when)) {
            killed = true;
            void server.kill();
          }
        });
      },
    },
  );
  expect(killed, run.stderr).toBe(true);
  expect(run.signal).toBeNull();
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  const written = JSON.parse(readFileSync(output, 'utf8')) as ReportView;
  expect(schemaErrors(written)).toBe('');
  const report = args.includes('--json') ? (JSON.parse(run.stdout) as ReportView) : written;
  return { run, report, written };
}

const FIREWALL_BLAME = /PASSIVE_PORTS_BLOCKED|PASSIVE_.*REJECT|ACTIVE_INBOUND_BLOCKED/;

describe('the reference server killed mid-run', () => {
  it('during the sweep: report written, sweep marked incomplete, no port blamed on a firewall, exit 3', async () => {
    const { run, report, written } = await checkAndKill(
      'Active data connections',
      ['--json', '--insecure'],
      '27000-27535',
    );
    expect(report).toEqual(written);
    expect(report.sweep).toMatchObject({ performed: true, complete: false });
    expect(report.observations.control.serverGone).toMatch(/went away/);
    expect(report.channels.passive?.status).toBe('error');
    expect(report.channels.passive?.summary).toMatch(/not fully tested/);
    expect(report.findings.filter((f) => FIREWALL_BLAME.test(f.code))).toEqual([]);
    expect(report.verdict).toBe('error');
    expect(run.code).toBe(3);
  });

  it('during the data probes: report written, nothing after the death counted as blocked, exit 3', async () => {
    const { run, report } = await checkAndKill(
      'Ask the reference server what it sees',
      ['--json', '--insecure'],
      '27000-27535',
    );
    expect(report.observations.control.serverGone).toMatch(/went away/);
    for (const channel of ['tls', 'passive', 'active'])
      expect(['ok', 'error', 'skipped']).toContain(report.channels[channel]?.status);
    expect(report.findings.filter((f) => FIREWALL_BLAME.test(f.code))).toEqual([]);
    expect(run.code).toBe(3);
  });

  it('during TLS negotiation: text report on stdout says the run could not finish, JSON written, exit 3', async () => {
    const { run, written } = await checkAndKill(
      'Read the server greeting',
      ['--tls', '--insecure', '--format', 'text'],
      '27000-27535',
    );
    expect(written.observations.control.serverGone).toMatch(/went away/);
    expect(written.channels.tls?.status).not.toBe('ok');
    expect(written.channels.passive?.status).toBe('error');
    expect(written.findings.map((f) => f.code)).not.toContain('TLS_HANDSHAKE_FAILED');
    expect(run.stdout.length).toBeGreaterThan(0);
    expect(run.code).toBe(3);
  });
});

describe('a control connection reset mid-transfer', () => {
  it('is recorded, the report still comes out, and the exit code is not success', async () => {
    // The server's process dies with both connections: the data connection is reset with the control one.
    const dataSockets = new Set<Socket>();
    const data = await startDataListener('127.0.0.1', (socket) => {
      dataSockets.add(socket);
      socket.write('partial listing\r\n');
    });
    scripted.push(data);
    const server = await startScripted('127.0.0.1', (socket: Socket) =>
      converse(socket, '220 resets during LIST\r\n', (command, s) => {
        const verb = command.split(' ')[0]?.toUpperCase();
        if (verb === 'USER') return '331 Password please\r\n';
        if (verb === 'PASS') return '230 Logged in\r\n';
        if (verb === 'PASV') return pasvReply(hostPortNumbers('127.0.0.1', data.port));
        if (verb === 'EPSV' || verb === 'LIST' || verb === 'PORT') {
          setTimeout(() => {
            s.resetAndDestroy();
            for (const d of dataSockets) d.resetAndDestroy();
          }, 10);
          return verb === 'EPSV' ? undefined : '150 Opening\r\n';
        }
        return verb === 'QUIT' ? '221 Bye\r\n' : '200 OK\r\n';
      }),
    );
    scripted.push(server);
    const output = join(dir, 'reset.json');
    const run = await runCli(
      [
        'check',
        `127.0.0.1:${server.port}`,
        '--no-tls',
        '--sweep',
        'off',
        '--step-timeout',
        '1s',
        '--timeout',
        '30s',
        '--output',
        output,
        '--format',
        'markdown',
      ],
      { timeoutMs: 45_000 },
    );
    const report = JSON.parse(readFileSync(output, 'utf8')) as ReportView;
    expect(schemaErrors(report)).toBe('');
    expect(report.observations.control.serverGone).toBeUndefined();
    expect(report.observations.passive.map((a) => a.outcome)).not.toContain('ok');
    expect(JSON.stringify(report.observations)).toMatch(/ECONNRESET|E_RESET/);
    expect(report.channels.passive?.status).not.toBe('ok');
    expect(run.stdout).toMatch(/^#/m);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect([1, 3]).toContain(run.code);
  });
});
