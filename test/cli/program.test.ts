import { describe, expect, it } from 'vitest';
import type { CheckPlan } from '../../src/cli/check-plan.js';
import { runProgram, type ProgramHandlers, type SelftestFlags } from '../../src/cli/program.js';
import { defaultSettings } from '../../src/probe/index.js';
import type { ProbeSettings } from '../../src/observation/index.js';

/** The engine's defaults with the CLI's tls 'auto' (src/cli.ts) and ephemeral active ports: the program must only override what the flags say. */
const defaults = (host: string): ProbeSettings => ({ ...defaultSettings(host), tls: 'auto', activePorts: [0, 0] });

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const calls: { check?: CheckPlan; selftest?: SelftestFlags; explain?: [string | undefined, boolean] } = {};
  let out = '';
  let err = '';
  const handlers: ProgramHandlers = {
    version: '9.9.9',
    env,
    defaultSettings: defaults,
    check: async (plan) => {
      calls.check = plan;
      return 0;
    },
    selftest: async (flags) => {
      calls.selftest = flags;
      return 0;
    },
    explain: (code, flags) => {
      calls.explain = [code, flags.list];
      return 0;
    },
    writeOut: (t) => {
      out += t;
    },
    writeErr: (t) => {
      err += t;
    },
  };
  const code = await runProgram(args, handlers);
  return { code, out, err, calls };
}

describe('usage errors are one line on stderr and exit 2', () => {
  it.each<[string[], RegExp]>([
    [['--bogus'], /unknown option '--bogus'/],
    [['check', 'h', '--colr'], /unknown option '--colr'/],
    [['check'], /missing required argument 'host'/],
    [[], /missing required argument 'host'/],
    [['check', 'h', '--port'], /option '-p, --port <port>' argument missing/],
    [['check', 'h', '--port', 'abc'], /port "abc" is not a number/],
    [['check', 'h', '--port', '70000'], /port 70000 is out of range/],
    [['check', 'h', '--range', '65535-60000'], /runs backwards/],
    [['check', 'h', '--range', '0-10'], /port 0/],
    [['check', 'h', '--range', 'abc'], /not a port or a port range/],
    [['check', 'h', '--sweep', 'most'], /Allowed choices are full, sample, off/],
    [['check', 'h', '--format', 'xml'], /Allowed choices are text, markdown, json/],
    [['check', 'h', '--active-port', '5000-4000'], /runs backwards/],
    [['check', 'h', '--external-ip', 'myhost'], /not an IPv4 or IPv6 address/],
    [['check', 'h', '--timeout', 'soon'], /not a duration/],
    [['check', 'h', '--timeout', '0'], /outside/],
    [['check', 'h', '--require', 'passive,sftp'], /unknown channel "sftp"/],
    [['check', 'h', '--pasv-samples', '-3'], /not a whole number/],
    [['check', 'h:21', '--port', '22'], /port is given twice/],
    [['check', 'ftp://a@h', '--user', 'b'], /user is given twice/],
    [['check', 'h', '--tls', '--implicit-tls'], /exclude each other/],
    [['check', 'h', '--no-tls', '--tls-auto'], /--no-tls and --tls-auto exclude each other/],
    [['check', 'ftps://h', '--no-tls'], /asks for implicit TLS but --no-tls/],
    [['check', 'ftps://h', '--tls'], /asks for implicit TLS but --tls/],
    [['check', 'h', '--ipv4', '--ipv6'], /exclude each other/],
    [['check', '::1', '--ipv4'], /IPv6 address but --ipv4/],
    [['check', 'h', '--json', '--format', 'markdown'], /choose one/],
    [['check', 'h', '--password-env', 'MY-VAR'], /NAME of an environment variable/],
    [['check', 'h:0'], /port 0 is out of range/],
    [['check', 'http://h'], /unsupported scheme/],
    [['check', 'h', '--step-timeout', '60s', '--timeout', '10s'], /longer than --timeout/],
    [['check', 'h', '--max-bytes', 'lots'], /"lots" is not a size/],
    [['check', 'h', '--max-bytes', '1GB'], /not a size/],
    [['check', 'h', '--max-bytes', '300MB'], /outside 1 byte to 256 MB/],
    [['check', 'h', '--upload-dir'], /option '--upload-dir <dir>' argument missing/],
    [['check', 'h', '--idle-test', '1s'], /outside 2000 ms to 1800 s/],
    [['check', 'h', '--idle-test', 'long'], /not a duration/],
    [['check', 'h', '--idle-test', '6m', '--timeout', '5m'], /leaves no time for --idle-test/],
    [['check', 'h', '--parallel', '1'], /outside 2-20/],
    [['check', 'h', '--parallel', '50'], /outside 2-20/],
    [['explain'], /needs a finding CODE or --list/],
    [['selftest', '--range', '7-3'], /runs backwards/],
  ])('%j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
    expect(r.out).toBe('');
    expect(r.calls).toEqual({});
  });
});

describe('the check plan', () => {
  it('a bare host is the default command with the engine defaults', async () => {
    const r = await run(['ftp.example.com']);
    expect(r.code).toBe(0);
    expect(r.calls.check?.settings).toEqual(defaults('ftp.example.com'));
    expect(r.calls.check).toMatchObject({
      require: ['passive'],
      format: 'text',
      formatChosen: false,
      color: true,
      password: { from: 'none' },
    });
  });

  it('every flag reaches the settings', async () => {
    const r = await run([
      'check',
      'ftp://alice@ftp.example.com:2121',
      '--password-env',
      'FTP_PW',
      '--tls',
      '--insecure',
      '--active-port',
      '40000-40010',
      '--external-ip',
      '198.51.100.7',
      '--eprt',
      '--range',
      '50000-50100,60000',
      '--sweep',
      'sample',
      '--pasv-samples',
      '3',
      '--follow-pasv-address',
      '--ipv4',
      '--timeout',
      '2m',
      '--step-timeout',
      '1500ms',
      '--require',
      'tls,passive,active',
      '--output',
      'r.json',
      '--format',
      'markdown',
      '--no-color',
    ]);
    expect(r.code).toBe(0);
    expect(r.calls.check).toEqual({
      settings: {
        host: 'ftp.example.com',
        port: 2121,
        family: 4,
        tls: 'explicit',
        insecure: true,
        user: 'alice',
        passwordSupplied: true,
        activePorts: [40000, 40010],
        externalIp: '198.51.100.7',
        useEprt: true,
        ranges: [
          [50000, 50100],
          [60000, 60000],
        ],
        sweep: 'sample',
        pasvSamples: 3,
        followPasvAddress: true,
        timeoutMs: 120_000,
        stepTimeoutMs: 1500,
      },
      require: ['passive', 'active', 'tls'],
      password: { from: 'env', variable: 'FTP_PW' },
      format: 'markdown',
      formatChosen: true,
      output: 'r.json',
      color: false,
    });
  });

  it.each<[string[], Partial<ProbeSettings>]>([
    [['ftps://h'], { tls: 'implicit', port: 990 }],
    [['h', '--implicit-tls'], { tls: 'implicit', port: 990 }],
    [['h', '--implicit-tls', '--port', '9990'], { tls: 'implicit', port: 9990 }],
    [['ftpes://h'], { tls: 'explicit', port: 21 }],
    [['h', '--tls-auto'], { tls: 'auto' }],
    [['h', '--no-tls'], { tls: 'off' }],
    [['[::1]:2121'], { host: '::1', port: 2121, family: 6 }],
    [['h', '--active-port', '40000'], { activePorts: [40000, 40000] }],
    [['h', '--timeout', '5'], { timeoutMs: 5000, stepTimeoutMs: 5000 }],
  ])('%j', async (args, expected) => {
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.calls.check?.settings).toMatchObject(expected);
  });

  it('a named user without --password-env is asked for a password', async () => {
    const r = await run(['check', 'ftp://bob@h']);
    expect(r.calls.check?.password).toEqual({ from: 'prompt' });
    expect(r.calls.check?.settings.passwordSupplied).toBe(true);
  });

  it('--json means JSON and no live view', async () => {
    const r = await run(['h', '--json']);
    expect(r.calls.check).toMatchObject({ format: 'json', formatChosen: true });
  });

  it('NO_COLOR turns colour off; an empty NO_COLOR does not', async () => {
    expect((await run(['h'], { NO_COLOR: '1' })).calls.check?.color).toBe(false);
    expect((await run(['h'], { NO_COLOR: '' })).calls.check?.color).toBe(true);
  });
});

describe('help, version and the other commands', () => {
  it('--version prints the version and exits 0', async () => {
    const r = await run(['--version']);
    expect(r).toMatchObject({ code: 0, out: '9.9.9\n', err: '' });
  });

  it.each([
    [['--help']],
    [['check', '--help']],
    [['selftest', '--help']],
    [['explain', '--help']],
    [['help', 'check']],
  ])('%j prints help on stdout and exits 0', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: ftpdoctor/);
    expect(r.err).toBe('');
  });

  it('check --help documents every engine flag and the exit codes', async () => {
    const { out } = await run(['check', '--help']);
    for (const flag of [
      '--port',
      '--user',
      '--password-env',
      '--tls',
      '--no-tls',
      '--tls-auto',
      '--implicit-tls',
      '--insecure',
      '--active-port',
      '--external-ip',
      '--eprt',
      '--range',
      '--sweep',
      '--pasv-samples',
      '--follow-pasv-address',
      '--ipv4',
      '--ipv6',
      '--timeout',
      '--step-timeout',
      '--require',
      '--json',
      '--output',
      '--format',
      '--no-color',
      'Examples:',
      '130',
    ]) {
      expect(out).toContain(flag);
    }
  });

  it('selftest and explain reach their handlers', async () => {
    expect((await run(['selftest', '--sweep', 'sample', '--json'])).calls.selftest).toEqual({
      sweep: 'sample',
      json: true,
      color: true,
    });
    expect((await run(['explain', 'PASSIVE_PORTS_BLOCKED'])).calls.explain).toEqual(['PASSIVE_PORTS_BLOCKED', false]);
    expect((await run(['explain', '--list'])).calls.explain).toEqual([undefined, true]);
  });
});

describe('the transfer experiments are off unless asked', () => {
  it('leaves settings.transfers unset without a transfer flag', async () => {
    expect((await run(['check', 'h'])).calls.check?.settings.transfers).toBeUndefined();
  });
  it('carries --download, --max-bytes and --upload-dir into the settings', async () => {
    const r = await run(['check', 'h', '--download', '/pub/a.bin', '--max-bytes', '512KB', '--upload-dir', '/in']);
    expect(r.calls.check?.settings.transfers).toEqual({ download: '/pub/a.bin', maxBytes: 524288, uploadDir: '/in' });
    const d = await run(['check', 'h', '--download', '/a']);
    expect(d.calls.check?.settings.transfers).toEqual({ download: '/a', maxBytes: 4 * 1024 * 1024 });
  });
});

describe('--parallel', () => {
  it('carries N into the settings', async () => {
    expect((await run(['check', 'h', '--parallel', '8'])).calls.check?.settings.parallel).toBe(8);
  });
});

describe('--idle-test', () => {
  it('records the duration and lengthens an unset --timeout by it', async () => {
    const r = await run(['check', 'h', '--idle-test', '6m']);
    expect(r.calls.check?.settings.idleTestMs).toBe(360_000);
    expect(r.calls.check?.settings.timeoutMs).toBe(defaultSettings('h').timeoutMs + 360_000);
    expect((await run(['check', 'h', '--idle-test', '20s', '--timeout', '60s'])).calls.check?.settings.timeoutMs).toBe(
      60_000,
    );
  });
});
