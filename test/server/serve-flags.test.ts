import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { runTool } from './external-tool.js';
import { parseServeFlags, registerServe } from '../../src/cli/serve.js';
import { UsageError } from '../../src/cli/usage-error.js';

describe('parseServeFlags', () => {
  it('maps every flag to the server config, reading the password from the named variable', () => {
    const r = parseServeFlags(
      {
        host: '127.0.0.1',
        port: '2121',
        pasvRange: '50000-50100',
        pasvAddress: '203.0.113.5',
        root: '/srv/ftp',
        writable: true,
        user: 'alice',
        passwordEnv: 'FTP_PW',
        implicitPort: '990',
        requireTlsReuse: true,
        activeSourcePort: '20',
        sweepMode: true,
      },
      { FTP_PW: 's3cret' },
    );
    expect(r).toEqual({
      ok: true,
      value: {
        host: '127.0.0.1',
        port: 2121,
        pasvRange: [50000, 50100],
        pasvAddress: '203.0.113.5',
        root: '/srv/ftp',
        writable: true,
        user: 'alice',
        password: 's3cret',
        implicitPort: 990,
        requireTlsReuse: true,
        activeSourcePort: 20,
        sweepMode: true,
      },
    });
  });

  it.each([
    ['0', 0],
    ['2121', 2121],
  ])('accepts --port %s for a listener (0 = any free port)', (port, value) => {
    const r = parseServeFlags({ port }, {});
    expect(r.ok && r.value.port).toBe(value);
  });

  it('says a listener port may be 0 when it refuses one', () => {
    expect(parseServeFlags({ port: '70000' }, {})).toEqual({
      ok: false,
      message: '--port: port 70000 is out of range (0-65535; 0 = any free port)',
    });
  });

  it.each([
    [{ port: 'abc' }, '--port'],
    [{ port: '70000' }, '--port'],
    [{ pasvRange: '6000-5000' }, '--pasv-range'],
    [{ pasvRange: 'x' }, '--pasv-range'],
    [{ pasvAddress: 'example.com' }, '--pasv-address'],
    [{ host: '1.2.3' }, '--host'],
    [{ user: 'alice' }, '--password-env'],
    [{ user: 'alice', passwordEnv: 'UNSET_VAR' }, 'UNSET_VAR is not set'],
    [{ tlsCert: 'a.pem' }, '--tls-key'],
    [{ implicitPort: '-1' }, '--implicit-port'],
    [{ activeSourcePort: '1.5' }, '--active-source-port'],
  ])('refuses %o with a message naming %s', (flags, fragment) => {
    const r = parseServeFlags(flags, {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain(fragment);
      expect(r.message).not.toContain('\n');
    }
  });
});

describe('registerServe', () => {
  function program(): Command {
    const p = new Command('ftpdoctor').exitOverride();
    registerServe(p);
    return p;
  }

  it('throws a usage error (exit 2 in the program) for a bad flag value', async () => {
    await expect(program().parseAsync(['serve', '--port', 'nope'], { from: 'user' })).rejects.toThrow(UsageError);
  });

  it('throws a usage error for an unreadable certificate file', async () => {
    const run = program().parseAsync(
      ['serve', '--port', '0', '--tls-cert', '/nonexistent.pem', '--tls-key', '/nonexistent.key'],
      { from: 'user' },
    );
    await expect(run).rejects.toThrow(/--tls-cert: cannot read \/nonexistent\.pem: ENOENT/);
  });

  it('serves until SIGINT, printing where it listens', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const running = program().parseAsync(
        ['serve', '--host', '127.0.0.1', '--port', '0', '--pasv-range', '41000-41099'],
        { from: 'user' },
      );
      let port: number | undefined;
      for (let i = 0; i < 100 && port === undefined; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out.join(''));
        if (m) port = Number(m[1]);
      }
      expect(port).toBeDefined();
      const r = await runTool('curl', ['-sS', '--max-time', '5', `ftp://127.0.0.1:${port}/pub/hello.txt`]);
      expect(r.stdout.toString()).toBe('hello from ftpdoctor\n');
      process.emit('SIGINT');
      await running;
      expect(out.join('')).toContain('SIGINT: stopping');
      const after = await runTool('curl', ['-sS', '--max-time', '5', `ftp://127.0.0.1:${port}/`]);
      expect(after.code).toBe(7); // couldn't connect: the listener is gone
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
    }
  });
});
