import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProgram, type ProgramHandlers } from '../../src/cli/program.js';
import { defaultSettings } from '../../src/probe/index.js';
import { buildCli, CLI, removeCliBuild, ROOT } from './built-cli.js';

/** `ftpdoctor firewall`: exit codes, the text and JSON answers, the schema, stdin, and the errors that name a line. */

const schema = JSON.parse(
  readFileSync(new URL('../../schema/firewall.schema.json', import.meta.url), 'utf8'),
) as object;
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(schema);

const FIX = `${ROOT}fixtures/firewall/`;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const handlers: ProgramHandlers = {
    version: '0.0.0',
    env: {},
    defaultSettings,
    check: () => Promise.reject(new Error('not this command')),
    selftest: () => Promise.reject(new Error('not this command')),
    explain: () => 0,
    writeOut: (t) => (out += t),
    writeErr: (t) => (err += t),
  };
  const code = await runProgram(['firewall', ...args], handlers);
  return { code, out, err };
}

describe('ftpdoctor firewall', () => {
  it('exit 0 when every flow is allowed, 1 when one is blocked', async () => {
    expect((await run([`${FIX}allow.nft`, '--host', '203.0.113.10'])).code).toBe(0);
    const blocked = await run([`${FIX}block-subrange.iptables`, '--host', '203.0.113.10']);
    expect(blocked.code).toBe(1);
    expect(blocked.out).toMatch(/passive\s+BLOCK/);
    expect(blocked.out).toContain('blocked: 63000-65535');
    expect(blocked.out).toContain('chain OUTPUT rule 2, line 7');
    expect(blocked.out).toContain('fix: iptables -I OUTPUT -p tcp -d 203.0.113.10 --dport 63000:65535 -j ACCEPT');
  });

  it('--json follows schema/firewall.schema.json for every fixture', async () => {
    const files = [
      'allow.nft',
      'rule-order.nft.json',
      'default-deny.iptables',
      'netsh-default-deny.txt',
      'powershell-rule-order.json',
      'pfctl-block-subrange.txt',
    ];
    for (const file of files) {
      const r = await run([`${FIX}${file}`, '--host', '203.0.113.10', '--active-port', '50000-50009', '--json']);
      const json = JSON.parse(r.out) as { flows: Array<{ flow: string; verdict: string }> };
      expect(validate(json), `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(json.flows.map((f) => f.flow)).toEqual(['control', 'passive', 'active']);
      expect(r.code).toBe(json.flows.every((f) => f.verdict === 'allow') ? 0 : 1);
    }
  });

  it('--range, --port, --direction and --format change what is checked', async () => {
    const r = await run([
      `${FIX}block-subrange.nft`,
      '--format',
      'nft',
      '--range',
      '60000-62999',
      '--port',
      '2121',
      '--json',
    ]);
    const json = JSON.parse(r.out) as { flows: Array<{ ports: number[][]; verdict: string }> };
    expect(json.flows[0]!.ports).toEqual([[2121, 2121]]);
    expect(json.flows[1]).toMatchObject({ ports: [[60000, 62999]], verdict: 'allow' });
    const server = await run([`${FIX}allow.iptables`, '--direction', 'inbound', '--json']);
    expect(JSON.parse(server.out)).toMatchObject({
      side: 'server',
      flows: [{ direction: 'inbound', verdict: 'block' }, {}],
    });
  });

  it('exit 2 with the line for a dump it cannot read, and for usage errors', async () => {
    const bad = await run([`${FIX}allow.nft`, '--format', 'iptables-save']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error: .*allow\.nft: iptables-save: line 1: /);
    expect((await run([`${FIX}README.md`])).err).toMatch(/cannot tell which tool printed this dump; give --format/);
    expect((await run([`${FIX}nope.txt`])).code).toBe(2);
    expect((await run([`${FIX}allow.nft`, '--host', 'not-an-ip'])).code).toBe(2);
    expect((await run([`${FIX}allow.nft`, '--range', '70000-80000'])).code).toBe(2);
    expect((await run([`${FIX}allow.nft`, '--format', 'ipfw'])).code).toBe(2);
  });
});

describe('ftpdoctor firewall - (the built CLI, dump on standard input)', () => {
  beforeAll(() => buildCli(), 180_000);
  afterAll(() => removeCliBuild());

  it('reads standard input and exits by the verdicts', () => {
    const input = readFileSync(`${FIX}pfctl-block-range.txt`);
    const r = spawnSync(process.execPath, [CLI, 'firewall', '-', '--host', '203.0.113.10'], {
      input,
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      'rule 2, line 4: block drop out quick proto tcp from any to 203.0.113.10 port 60000:65535',
    );
    const garbage = spawnSync(process.execPath, [CLI, 'firewall', '-', '--format', 'pfctl'], {
      input: 'pass out all\nthis is not pf\n',
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(garbage.status).toBe(2);
    expect(garbage.stderr).toBe('error: standard input: pfctl: line 2: "this is not pf" is not a pf rule\n');
  });
});
