import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDump, detectFormat } from '../../src/firewall/detect.js';
import { ftpVerdicts } from '../../src/firewall/ftp-verdicts.js';
import { DUMP_FORMATS, DumpParseError, type DumpFormat } from '../../src/firewall/rule-model.js';

/**
 * Every dump parser on any input: it returns a dump or throws a DumpParseError naming a line,
 * never anything else, and it does so in bounded time; whatever it returns, the evaluator decides
 * the three FTP flows without throwing. Inputs are random text, and lines built from each format's
 * own words (so they reach past the first check), and mutations of the real fixtures.
 */

const RUNS = { numRuns: 200 };
/** Per input, parse plus evaluation; generous for two shared cores, far below a hang. */
const BOUND_MS = 1500;

const DIR = new URL('../../fixtures/firewall/', import.meta.url);
const FIXTURES = readdirSync(DIR)
  .filter((f) => /\.(nft|json|iptables|ip6tables|txt)$/.test(f))
  .map((f) => readFileSync(new URL(f, DIR), 'utf8'));

const WORDS: Record<DumpFormat, string[]> = {
  nft: [
    'table',
    'inet',
    'ip',
    'ip6',
    'filter',
    'chain',
    'output',
    'input',
    '{',
    '}',
    'type',
    'hook',
    'priority',
    'filter;',
    'policy',
    'drop;',
    'accept;',
    'tcp',
    'dport',
    'sport',
    '{ 21, 60000-65535 }',
    '60000-65535',
    'daddr',
    '203.0.113.0/24',
    '@set',
    '!=',
    'ct',
    'state',
    'established,related',
    'new',
    'jump',
    'goto',
    'return',
    'accept',
    'drop',
    'reject',
    'oifname',
    '"lo"',
    'counter',
    'queue',
    '-',
    ';',
  ],
  'nft-json': [
    '{',
    '}',
    '[',
    ']',
    '"nftables"',
    ':',
    ',',
    '"chain"',
    '"rule"',
    '"expr"',
    '"match"',
    '"left"',
    '"right"',
    '"payload"',
    '"protocol"',
    '"field"',
    '"dport"',
    '"daddr"',
    '"tcp"',
    '"accept"',
    '"drop"',
    'null',
    '"jump"',
    '"target"',
    '"family"',
    '"inet"',
    '"table"',
    '"name"',
    '"hook"',
    '"output"',
    '"type"',
    '"filter"',
    '"policy"',
    '"range"',
    '[60000, 65535]',
    '"set"',
    '"prefix"',
    '1',
    '"@x"',
  ],
  'iptables-save': [
    '*filter',
    '*nat',
    ':INPUT',
    ':OUTPUT',
    ':X',
    'ACCEPT',
    'DROP',
    '-',
    '[0:0]',
    'COMMIT',
    '-A',
    'OUTPUT',
    'X',
    '-p',
    'tcp',
    '-d',
    '203.0.113.10/32',
    '-s',
    '!',
    '--dport',
    '60000:65535',
    '-m',
    'multiport',
    '--dports',
    '21,60000:65535',
    'set',
    '-j',
    '-g',
    'RETURN',
    'REJECT',
    '-o',
    'lo',
    '"quoted comment"',
    '--ctstate',
    'NEW',
  ],
  netsh: [
    'Rule Name:',
    'Enabled:',
    'Yes',
    'No',
    'Direction:',
    'In',
    'Out',
    'Profiles:',
    'Domain,Private,Public',
    'RemoteIP:',
    'Any',
    '203.0.113.0/255.255.255.0',
    'LocalSubnet',
    'Protocol:',
    'TCP',
    'RemotePort:',
    'LocalPort:',
    '60000-65535',
    'RPC',
    'Action:',
    'Allow',
    'Block',
    'Bypass',
    '----------',
    'Ok.',
    'Domain Profile Settings:',
    'State',
    'ON',
    'OFF',
    'Firewall Policy',
    'BlockInbound,AllowOutbound',
    'StatefulFTP',
    'Enable',
    '  ',
  ],
  powershell: [
    '{',
    '}',
    '[',
    ']',
    ':',
    ',',
    '"Direction"',
    '"Action"',
    '"Enabled"',
    '"Profile"',
    '"RemotePort"',
    '"RemoteAddress"',
    '"Rules"',
    '"Profiles"',
    '"DefaultOutboundAction"',
    '"Name"',
    '"Domain"',
    '"Outbound"',
    '"Block"',
    '"Allow"',
    '2',
    '4',
    '1',
    'true',
    'false',
    'null',
    '"60000-65535"',
    '["21","60000-65535"]',
    '"Any"',
    '"PortFilter"',
  ],
  pfctl: [
    'pass',
    'block',
    'drop',
    'return',
    'in',
    'out',
    'quick',
    'on',
    'lo0',
    'en0',
    'inet',
    'inet6',
    'proto',
    'tcp',
    '{ tcp udp }',
    'from',
    'to',
    'any',
    'all',
    'port',
    '=',
    '!=',
    '<',
    '>=',
    '><',
    '<>',
    '60000:65535',
    '21',
    'ftp',
    '203.0.113.10',
    '<table>',
    '(en0)',
    '!',
    'flags',
    'S/SA',
    'keep',
    'state',
    'anchor',
    '"com.apple/*"',
    'user',
    'Status:',
    'Enabled',
    'Disabled',
    'match',
  ],
};

function lines(format: DumpFormat): fc.Arbitrary<string> {
  const line = fc.array(fc.constantFrom(...WORDS[format]), { maxLength: 14 }).map((w) => w.join(' '));
  return fc.array(line, { maxLength: 40 }).map((l) => l.join('\n'));
}

const mutated = fc
  .tuple(fc.constantFrom(...FIXTURES), fc.nat(), fc.nat(), fc.string({ maxLength: 8 }))
  .map(([text, at, cut, insert]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + insert + text.slice(i + (cut % 16));
  });

/** True when the parser returned a dump the evaluator could judge, or refused with a line, in time. */
function check(text: string, format: DumpFormat): boolean {
  const started = performance.now();
  let verdicts: string[] = [];
  let line = 1;
  try {
    const dump = parseDump(text, format);
    verdicts = (['client', 'server'] as const).flatMap((side) =>
      ftpVerdicts(dump, {
        host: '203.0.113.10',
        controlPort: 21,
        passive: [[60000, 65535]],
        activePorts: [[50000, 50009]],
        side,
      }).flows.map((f) => f.verdict),
    );
  } catch (err) {
    if (!(err instanceof DumpParseError)) throw err;
    line = err.line;
  }
  const judged =
    verdicts.length === 0 ||
    (verdicts.length === 6 && verdicts.every((v) => ['allow', 'block', 'unknown'].includes(v)));
  return line >= 1 && judged && performance.now() - started < BOUND_MS;
}

describe('firewall dump parsers on any input', () => {
  it.each(DUMP_FORMATS)('%s: random text', (format) => {
    expect(() =>
      fc.assert(
        fc.property(fc.string({ maxLength: 400 }), (text) => check(text, format)),
        RUNS,
      ),
    ).not.toThrow();
  });

  it.each(DUMP_FORMATS)('%s: lines of its own words', (format) => {
    expect(() =>
      fc.assert(
        fc.property(lines(format), (text) => check(text, format)),
        RUNS,
      ),
    ).not.toThrow();
  });

  it.each(DUMP_FORMATS)('%s: mutated fixtures', (format) => {
    expect(() =>
      fc.assert(
        fc.property(mutated, (text) => check(text, format)),
        RUNS,
      ),
    ).not.toThrow();
  });

  it('format detection never throws', () => {
    const known = (text: string): boolean => {
      const f = detectFormat(text);
      return f === undefined || DUMP_FORMATS.includes(f);
    };
    expect(() => fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 400 }), mutated), known), RUNS)).not.toThrow();
  });

  it('a long line is refused by line number, not scanned', () => {
    const text = `table inet f {\n${'x'.repeat(20_000)}\n}`;
    for (const format of DUMP_FORMATS.filter((f) => f !== 'nft-json' && f !== 'powershell'))
      expect(() => parseDump(text, format)).toThrow(/line 2/);
  });
});
