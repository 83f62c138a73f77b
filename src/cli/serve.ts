import { endpoint } from '../ftp/index.js';
import { type RunningServer, type ServerConfig, ServerStartError, isPrivileged, startServer } from '../server/index.js';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseIpAddress, parsePortFlag, parsePortOrRange, type Parsed } from './flag-values.js';
import { UsageError } from './usage-error.js';

/** The `serve` flags as commander hands them over: strings, or true for switches. */
export interface ServeFlags {
  host?: string;
  port?: string;
  pasvRange?: string;
  pasvAddress?: string;
  root?: string;
  writable?: boolean;
  user?: string;
  passwordEnv?: string;
  tlsCert?: string;
  tlsKey?: string;
  implicitPort?: string;
  requireTlsReuse?: boolean;
  activeSourcePort?: string;
  sweepMode?: boolean;
}

/** Port 0 (any free port) is allowed for the listeners, unlike a port to connect to. */
function listenPort(flag: string, text: string): Parsed<number> {
  const p = parsePortFlag(text, 0);
  return p.ok ? p : { ok: false, message: `${flag}: ${p.message}` };
}

/**
 * Turns the flags into a server config, or one line saying which flag is wrong. Pure apart from
 * reading the password from the environment variable the user named (never from the command line).
 */
export function parseServeFlags(flags: ServeFlags, env: NodeJS.ProcessEnv): Parsed<Partial<ServerConfig>> {
  const config: Partial<ServerConfig> = {
    writable: flags.writable === true,
    requireTlsReuse: flags.requireTlsReuse === true,
    sweepMode: flags.sweepMode === true,
  };
  const fail = (message: string): Parsed<Partial<ServerConfig>> => ({ ok: false, message });
  if (flags.host !== undefined) {
    const h = parseIpAddress(flags.host);
    if (!h.ok) return fail(`--host: ${h.message}`);
    config.host = h.value;
  }
  for (const [flag, text, key] of [
    ['--port', flags.port, 'port'],
    ['--implicit-port', flags.implicitPort, 'implicitPort'],
    ['--active-source-port', flags.activeSourcePort, 'activeSourcePort'],
  ] as const) {
    if (text === undefined) continue;
    const p = listenPort(flag, text);
    if (!p.ok) return fail(p.message);
    config[key] = p.value;
  }
  if (flags.pasvRange !== undefined) {
    const r = parsePortOrRange(flags.pasvRange);
    if (!r.ok) return fail(`--pasv-range: ${r.message}`);
    config.pasvRange = r.value;
  }
  if (flags.pasvAddress !== undefined) {
    const a = parseIpAddress(flags.pasvAddress);
    if (!a.ok) return fail(`--pasv-address: ${a.message}`);
    config.pasvAddress = a.value;
  }
  if (flags.root !== undefined) config.root = flags.root;
  if ((flags.user === undefined) !== (flags.passwordEnv === undefined)) {
    return fail('--user and --password-env go together: the password is read from the environment variable you name');
  }
  if (flags.user !== undefined && flags.passwordEnv !== undefined) {
    const password = env[flags.passwordEnv];
    if (password === undefined || password === '')
      return fail(`--password-env: the environment variable ${flags.passwordEnv} is not set`);
    config.user = flags.user;
    config.password = password;
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
    return fail('--tls-cert and --tls-key go together');
  return { ok: true, value: config };
}

function readPem(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${flag}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

function describe(server: RunningServer): string[] {
  const c = server.config;
  const where = (port: number): string => endpoint(server.host, port);
  return [
    `ftpdoctor reference server ${server.serverId} listening on ${where(server.port)} (FTP, AUTH TLS)`,
    ...(server.implicitPort !== undefined ? [`implicit FTPS on ${where(server.implicitPort)}`] : []),
    `passive ports ${c.pasvRange[0]}-${c.pasvRange[1]}${c.pasvAddress ? `, advertised as ${c.pasvAddress}` : ''}${c.sweepMode ? `, sweep mode: ${server.sweepPorts?.length ?? 0} ports listening` : ''}`,
    `active data from port ${c.activeSourcePort === 0 ? 'any' : c.activeSourcePort}; TLS session reuse ${c.requireTlsReuse ? 'required' : 'optional'}`,
    `files: ${c.root ?? 'built-in demo tree'} (${c.writable ? 'writable' : 'read-only'}); logins: ${[c.anonymous ? 'anonymous' : '', c.user ? `user ${c.user}` : ''].filter(Boolean).join(', ')}`,
    'stop with Ctrl-C',
  ];
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the bundled reference FTP server (for self-tests and for testing a firewall from the other side)')
    .option('--host <addr>', 'address to listen on (default: all)')
    .option('--port <n>', `control port (default 21 as root, else 2121; 0 = any free port)`)
    .option('--pasv-range <a-b>', 'passive data port range (default 60000-65535)')
    .option('--pasv-address <ip>', 'address to advertise in 227 replies (for a server behind NAT)')
    .option('--root <dir>', 'directory to serve, read-only unless --writable (default: a built-in demo tree)')
    .option('--writable', 'allow uploads (STOR) and deletions (DELE)')
    .option('--user <name>', 'an account besides anonymous; needs --password-env')
    .option('--password-env <var>', 'environment variable holding the password of --user')
    .option('--tls-cert <file>', 'PEM certificate (default: a self-signed one made at start)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--implicit-port <n>', 'also listen for implicit FTPS (TLS from the first byte) on this port')
    .option(
      '--require-tls-reuse',
      'refuse TLS data connections that do not resume the control TLS session (as vsftpd does)',
    )
    .option('--active-source-port <n>', 'source port of active data connections (default 20 as root, else any)')
    .option('--sweep-mode', 'listen on the whole passive range and answer stray connections with a token')
    .action(async (flags: ServeFlags) => {
      const parsed = parseServeFlags(flags, process.env);
      if (!parsed.ok) throw new UsageError(parsed.message);
      const config: Partial<ServerConfig> = {
        ...parsed.value,
        ...(flags.tlsCert && flags.tlsKey
          ? { tlsCert: readPem('--tls-cert', flags.tlsCert), tlsKey: readPem('--tls-key', flags.tlsKey) }
          : {}),
        log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
      };
      let server: RunningServer;
      try {
        server = await startServer(config);
      } catch (err) {
        if (err instanceof ServerStartError) {
          const hint =
            err.facts.errno === 'EACCES' && !isPrivileged() ? ' (ports below 1024 need root; try --port 2121)' : '';
          if (err.code === 'bad-config') throw new UsageError(err.message);
          process.stderr.write(`error: ${err.message}${hint}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
      process.stdout.write(describe(server).join('\n') + '\n');
      await new Promise<void>((resolve) => {
        const onInt = (): void => stop('SIGINT');
        const onTerm = (): void => stop('SIGTERM');
        const stop = (signal: string): void => {
          process.stdout.write(`${signal}: stopping\n`);
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          void server.close().then(resolve);
        };
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
      });
    });
}
