import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseDump } from '../../src/firewall/detect.js';
import { ftpVerdicts, type FlowVerdict } from '../../src/firewall/ftp-verdicts.js';
import type { DumpFormat } from '../../src/firewall/rule-model.js';

/**
 * The six situations of issue 15 for every dump format, over the fixtures in fixtures/firewall
 * (Linux ones recorded from real rulesets in a namespace, the others in the layout the vendors
 * document; see fixtures/firewall/README.md).
 */

const SERVER = '203.0.113.10';
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/firewall/${name}`, import.meta.url), 'utf8');

interface Want {
  control: FlowVerdict['verdict'];
  passive: FlowVerdict['verdict'];
  blocked?: Array<[number, number]>;
  /** A piece of the text of the rule that decides the passive flow. */
  decidedBy?: string;
  host?: string;
}

const FILES: Record<DumpFormat, (scenario: string) => string> = {
  nft: (s) => `${s}.nft`,
  'nft-json': (s) => `${s}.nft.json`,
  'iptables-save': (s) => `${s}.iptables`,
  netsh: (s) => `netsh-${s}.txt`,
  powershell: (s) => `powershell-${s}.json`,
  pfctl: (s) => `pfctl-${s}.txt`,
};

const allow: Want = { control: 'allow', passive: 'allow' };
const wholeRange = (decidedBy: string): Want => ({
  control: 'allow',
  passive: 'block',
  blocked: [[60000, 65535]],
  decidedBy,
});
const subRange = (decidedBy: string): Want => ({
  control: 'allow',
  passive: 'block',
  blocked: [[63000, 65535]],
  decidedBy,
});

const linux = (format: 'nft' | 'nft-json' | 'iptables-save'): Array<[string, string, Want]> => [
  ['allow', 'allow', allow],
  [
    'block-range',
    'block of the whole range',
    wholeRange(format === 'iptables-save' ? '--dport 60000:65535 -j DROP' : '60000-65535'),
  ],
  ['block-subrange', 'block of a sub-range', subRange(format === 'iptables-save' ? 'REJECT' : 'reject')],
  ['rule-order', 'the first match (an accept reached by jump) decides', { ...allow, decidedBy: '203.0.113.0/24' }],
  [
    'rule-order',
    'for another server the later drop decides',
    { control: 'allow', passive: 'block', blocked: [[60000, 65535]], decidedBy: '1024', host: '198.51.100.7' },
  ],
  ['default-deny', 'default-deny policy', wholeRange(format === 'iptables-save' ? ':OUTPUT DROP' : 'policy drop')],
  ['unused-chain', 'a drop in a chain nothing jumps to is never evaluated', allow],
];

const windows: Array<[string, string, Want]> = [
  ['allow', 'allow', allow],
  ['block-range', 'block of the whole range', wholeRange('Block FTP data to 203.0.113.10')],
  ['block-subrange', 'block of a sub-range', subRange('Block high ports')],
  ['rule-order', 'a block rule beats an allow rule listed before it', wholeRange('Block unprivileged outbound')],
  ['default-deny', 'default-deny profile', wholeRange('Block')],
  ['disabled', 'a disabled block rule is ignored', allow],
];

const pf: Array<[string, string, Want]> = [
  ['allow', 'allow', allow],
  ['block-range', 'block of the whole range (quick)', wholeRange('block drop out quick')],
  ['block-subrange', 'block of a sub-range (last match)', subRange('block return out')],
  ['rule-order', 'the last matching rule decides', { ...allow, decidedBy: 'port 60000:65535' }],
  ['default-deny', 'default-deny ruleset', wholeRange('block drop out all')],
  ['disabled', 'pf disabled (pfctl -s info): its rules do not apply', { ...allow, decidedBy: 'Status: Disabled' }],
];

const CASES: Array<[DumpFormat, string, string, Want]> = [
  ...(['nft', 'nft-json', 'iptables-save'] as const).flatMap((f) =>
    linux(f).map(([s, n, w]) => [f, s, n, w] as [DumpFormat, string, string, Want]),
  ),
  ...(['netsh', 'powershell'] as const).flatMap((f) =>
    windows.map(([s, n, w]) => [f, s, n, w] as [DumpFormat, string, string, Want]),
  ),
  ...pf.map(([s, n, w]) => ['pfctl', s, n, w] as [DumpFormat, string, string, Want]),
];

describe('ftpdoctor firewall over the fixtures', () => {
  it.each(CASES)('%s %s: %s', (format, scenario, _name, want) => {
    const text = fixture(FILES[format](scenario));
    expect(detectFormat(text)).toBe(format);
    const v = ftpVerdicts(parseDump(text, format), {
      host: want.host ?? SERVER,
      controlPort: 21,
      passive: [[60000, 65535]],
      side: 'client',
    });
    const [control, passive] = v.flows;
    expect(control?.verdict).toBe(want.control);
    expect(passive?.verdict).toBe(want.passive);
    expect(passive?.blockedPorts).toEqual(want.blocked ?? []);
    const deciding = passive!.rules.filter((r) => r.action === (want.passive === 'block' ? 'block' : 'allow'));
    expect(deciding.map((r) => r.text).join('\n')).toContain(want.decidedBy ?? '');
    expect(deciding.every((r) => r.line >= 1)).toBe(true);
    expect(passive!.fix.length > 0).toBe(want.passive === 'block');
  });

  it('active mode: an ip6tables INPUT policy DROP blocks the client port unless a rule admits the server', () => {
    const dump = parseDump(fixture('active-inbound.ip6tables'), 'iptables-save');
    const run = (host: string) =>
      ftpVerdicts(dump, {
        host,
        controlPort: 21,
        passive: [[60000, 65535]],
        activePorts: [[50000, 50009]],
        side: 'client',
      }).flows[2]!;
    expect(run('2001:db8::10')).toMatchObject({ flow: 'active', direction: 'inbound', verdict: 'allow' });
    expect(run('2001:db8::99')).toMatchObject({ verdict: 'block', blockedPorts: [[50000, 50009]] });
  });

  it('the server side: control and passive arrive, so input chains and inbound rules decide', () => {
    const v = ftpVerdicts(parseDump(fixture('allow.nft'), 'nft'), {
      host: SERVER,
      controlPort: 21,
      passive: [[60000, 65535]],
      side: 'server',
    });
    expect(v.flows.map((f) => [f.flow, f.direction, f.verdict])).toEqual([
      ['control', 'inbound', 'block'],
      ['passive', 'inbound', 'block'],
    ]);
  });

  it('a rule on an interface other than loopback makes the verdict unknown, not a guess', () => {
    const text = fixture('block-range.nft').replace(
      'ip daddr 203.0.113.10 tcp dport',
      'oifname "wg0" ip daddr 203.0.113.10 tcp dport',
    );
    const passive = ftpVerdicts(parseDump(text, 'nft'), {
      host: SERVER,
      controlPort: 21,
      passive: [[60000, 65535]],
      side: 'client',
    }).flows[1]!;
    expect(passive).toMatchObject({ verdict: 'unknown', blockedPorts: [], unknownPorts: [[60000, 65535]] });
    expect(passive.rules.find((r) => r.action === 'block')?.certain).toBe(false);
  });

  it('Windows: a profile-limited rule decides only when --profile names that profile', () => {
    const text = fixture('powershell-block-subrange.json').replace('"Profile": "Any"', '"Profile": "Public"');
    const run = (profile?: 'public' | 'domain') =>
      ftpVerdicts(parseDump(text, 'powershell'), {
        host: SERVER,
        controlPort: 21,
        passive: [[60000, 65535]],
        side: 'client',
        profile,
      }).flows[1]!.verdict;
    expect([run('public'), run('domain'), run()]).toEqual(['block', 'allow', 'unknown']);
  });

  it('an unreadable line is named', () => {
    expect(() => parseDump('*filter\n:INPUT ACCEPT [0:0]\n-X INPUT\nCOMMIT\n', 'iptables-save')).toThrow(/line 3/);
    expect(() => parseDump('table inet f {\n  chain c {\n', 'nft')).toThrow(/never closed/);
    expect(() => parseDump('{"nftables": [\n  {"chain": }\n]}', 'nft-json')).toThrow(/line 2/);
    expect(() => parseDump('pass out all\nfrobnicate everything\n', 'pfctl')).toThrow(/line 2/);
    expect(() => parseDump('Rule Name: x\n@@@\n', 'netsh')).toThrow(/line 2/);
  });
});

describe('Windows: the active profile from the dump', () => {
  it('ActiveProfiles (Get-NetConnectionProfile) settles a profile-limited rule without --profile', () => {
    const json = JSON.parse(fixture('powershell-block-subrange.json')) as Array<Record<string, unknown>>;
    const rules = json.map((r) => ({ ...r, Profile: 'Public' }));
    const run = (active: string[]) =>
      ftpVerdicts(parseDump(JSON.stringify({ Rules: rules, ActiveProfiles: active }), 'powershell'), {
        host: SERVER,
        controlPort: 21,
        passive: [[60000, 65535]],
        side: 'client',
      }).flows[1]!.verdict;
    expect([run(['Public']), run(['DomainAuthenticated']), run(['Public', 'Private'])]).toEqual([
      'block',
      'allow',
      'unknown',
    ]);
  });
});

describe('order of evaluation, rule by rule', () => {
  const passive = (text: string, format: DumpFormat, host = SERVER) =>
    ftpVerdicts(parseDump(text, format), { host, controlPort: 21, passive: [[60000, 65535]], side: 'client' })
      .flows[1]!;

  it('nftables: an accept ends only its base chain; a later base chain of the hook can still drop', () => {
    const text = [
      'table inet a {',
      '\tchain out {',
      '\t\ttype filter hook output priority filter; policy accept;',
      '\t\ttcp dport 60000-65535 accept',
      '\t}',
      '}',
      'table ip b {',
      '\tchain out {',
      '\t\ttype filter hook output priority 10; policy accept;',
      '\t\ttcp dport 64000-65535 drop',
      '\t}',
      '}',
    ].join('\n');
    expect(passive(text, 'nft')).toMatchObject({ verdict: 'block', blockedPorts: [[64000, 65535]] });
  });

  it('iptables: goto does not come back, RETURN does', () => {
    const dump = (jump: string) =>
      [
        '*filter',
        ':OUTPUT ACCEPT [0:0]',
        ':SUB - [0:0]',
        `-A OUTPUT -p tcp ${jump} SUB`,
        '-A OUTPUT -p tcp --dport 60000:65535 -j DROP',
        '-A SUB -p tcp --dport 60000:60999 -j ACCEPT',
        'COMMIT',
      ].join('\n');
    expect(passive(dump('-j'), 'iptables-save').blockedPorts).toEqual([[61000, 65535]]);
    expect(passive(dump('-g'), 'iptables-save')).toMatchObject({ verdict: 'allow', blockedPorts: [] });
  });

  it('pf: quick stops at the first match; without quick the last match wins', () => {
    const rules = (quick: string) =>
      [
        `block drop out ${quick}proto tcp from any to any port 60000:65535`,
        'pass out proto tcp from any to any port 60000:65535',
      ].join('\n');
    expect(passive(rules('quick '), 'pfctl').verdict).toBe('block');
    expect(passive(rules(''), 'pfctl').verdict).toBe('allow');
  });

  it('pf: a later rule on an unknown interface makes a block unknown; an earlier one does not', () => {
    const later = [
      'block drop out proto tcp from any to any port 60000:65535',
      'pass out on en0 proto tcp from any to any',
    ].join('\n');
    const earlier = [
      'pass out on en0 proto tcp from any to any',
      'block drop out proto tcp from any to any port 60000:65535',
    ].join('\n');
    expect(passive(later, 'pfctl').verdict).toBe('unknown');
    expect(passive(earlier, 'pfctl').verdict).toBe('block');
  });

  it('Windows: a block rule limited to another address does not apply; a program-bound one may', () => {
    const rule = (extra: Record<string, string>) =>
      JSON.stringify([
        {
          DisplayName: 'b',
          Enabled: 'True',
          Direction: 'Outbound',
          Action: 'Block',
          Protocol: 'TCP',
          RemotePort: '60000-65535',
          ...extra,
        },
      ]);
    expect(passive(rule({ RemoteAddress: '198.51.100.0/24' }), 'powershell').verdict).toBe('allow');
    expect(
      passive(rule({ Program: 'C:\\\\Program Files\\\\FileZilla FTP Client\\\\filezilla.exe' }), 'powershell').verdict,
    ).toBe('unknown');
  });
});

it('PowerShell: a rule without its port and address filters may block, it is not taken to block everything', () => {
  const text = JSON.stringify([{ DisplayName: 'Block something', Enabled: 1, Direction: 2, Action: 4, Profile: 0 }]);
  const v = ftpVerdicts(parseDump(text, 'powershell'), {
    host: SERVER,
    controlPort: 21,
    passive: [[60000, 65535]],
    side: 'client',
  });
  expect(v.flows.map((f) => f.verdict)).toEqual(['unknown', 'unknown']);
  expect(v.flows[1]!.rules.find((r) => r.action === 'block')).toMatchObject({
    certain: false,
    text: expect.stringContaining('Block something'),
  });
});

it('without --host, an ip6tables-save dump is read as IPv6, not skipped as another family', () => {
  const v = ftpVerdicts(parseDump(fixture('active-inbound.ip6tables'), 'iptables-save'), {
    controlPort: 21,
    passive: [[60000, 65535]],
    activePorts: [[50000, 50009]],
    side: 'client',
  });
  expect(v.flows[2]).toMatchObject({ verdict: 'unknown', unknownPorts: [[50000, 50009]] });
});

describe('conditions a dump cannot settle (real nft output: named set, verdict map, rate limit, port negation)', () => {
  it.each(['unsettled.nft', 'unsettled.nft.json'])('%s', (file) => {
    const text = fixture(file);
    const v = ftpVerdicts(parseDump(text, detectFormat(text)!), {
      host: SERVER,
      controlPort: 21,
      passive: [[60000, 65535]],
      side: 'client',
    });
    const [control, passive] = v.flows;
    // The verdict map may drop port 21; the negated port rule surely matches the passive range.
    expect(control).toMatchObject({ verdict: 'unknown', unknownPorts: [[21, 21]] });
    expect(passive).toMatchObject({ verdict: 'unknown', unknownPorts: [[60000, 65535]] });
    const rules = passive!.rules.map((r) => [r.position, r.action, r.certain, r.unsettled?.join('; ') ?? '']);
    expect(rules).toContainEqual([5, 'block', false, '']);
    expect(rules.map((r) => r[0])).toEqual(expect.arrayContaining([1, 2, 3, 5]));
    expect(rules.some(([pos]) => pos === 4)).toBe(false);
    expect(passive!.rules.find((r) => r.position === 2)?.text).toContain('vmap @portmap');
  });
});

it('iptables: a negated port list is exact, a negated address is not evaluated', () => {
  const dump = (match: string) =>
    ['*filter', ':OUTPUT ACCEPT [0:0]', `-A OUTPUT -p tcp ${match} -j DROP`, 'COMMIT'].join('\n');
  const passive = (match: string) =>
    ftpVerdicts(parseDump(dump(match), 'iptables-save'), {
      host: SERVER,
      controlPort: 21,
      passive: [[60000, 65535]],
      side: 'client',
    }).flows;
  expect(passive('-m multiport ! --dports 21,60000:62999').map((f) => [f.verdict, f.blockedPorts])).toEqual([
    ['allow', []],
    ['block', [[63000, 65535]]],
  ]);
  expect(passive('! -d 10.0.0.0/8 --dport 60000:65535')[1]!.verdict).toBe('unknown');
});

it('a byte-order mark and CRLF line ends, as Windows tools write them, are read', () => {
  const text = `\uFEFF${fixture('netsh-block-subrange.txt').replace(/\n/g, '\r\n')}`;
  expect(detectFormat(text)).toBe('netsh');
  const v = ftpVerdicts(parseDump(text, 'netsh'), {
    host: SERVER,
    controlPort: 21,
    passive: [[60000, 65535]],
    side: 'client',
  });
  expect(v.flows[1]).toMatchObject({ verdict: 'block', blockedPorts: [[63000, 65535]] });
});
