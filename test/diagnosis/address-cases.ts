import type { Diagnosis, FindingCode } from '../../src/diagnosis/finding.js';
import type { AddressCheck, ConnectState, ObservationLog } from '../../src/observation/index.js';
import type { DiagnosisCase } from './cases.js';
import { clearLog, connect, mutate, pasvBlocked, pasvOk, reply, SERVER } from './observation-factory.js';

/** Issue 14: the diagnosis of every address, of both IP families and of a changed data source address, as rows of the case table. */

const POOL = ['203.0.113.11', '203.0.113.12'];
const SERVER6 = '2001:db8:2::10';

function check(address: string, state: ConnectState): AddressCheck {
  return {
    address,
    family: address.includes(':') ? 6 : 4,
    source: 'dns',
    connect: connect(address, 21, state),
    ...(state === 'open' ? { greeting: { kind: 'ftp', code: 220, text: '220 ready', elapsedMs: 2 } } : {}),
  };
}

function withAddresses(checks: AddressCheck[], change?: (log: ObservationLog) => void): ObservationLog {
  return mutate(clearLog(), (log) => {
    log.addresses = { checks, chosen: SERVER, chosenBy: 'first-answering', deadlineMs: 2400, elapsedMs: 1210 };
    change?.(log);
  });
}

function title(code: FindingCode, pattern: RegExp) {
  return (d: Diagnosis) => {
    const f = d.findings.find((x) => x.code === code);
    if (!f || !pattern.test(f.title)) throw new Error(`${code} title should match ${pattern}: ${f?.title}`);
  };
}

const v6Blocked = pasvBlocked(64000, 'no-answer', { command: 'EPSV' });
v6Blocked.connections = v6Blocked.connections.map((c) => ({ ...c, connect: { ...c.connect, address: SERVER6 } }));

export const ADDRESS_CASES: DiagnosisCase[] = [
  {
    name: 'one of three addresses dropped: ADDRESS_SUBSET_BLOCKED, control partial, rules for all three',
    log: withAddresses([check(SERVER, 'open'), check(POOL[0]!, 'no-answer'), check(POOL[1]!, 'open')]),
    codes: ['ADDRESS_SUBSET_BLOCKED'],
    channels: { control: 'partial', passive: 'ok' },
    verdict: 'problems',
    check: (d) => {
      title('ADDRESS_SUBSET_BLOCKED', /^2 of 3 addresses answer; 203\.0\.113\.11 \(dropped\) do not/)(d);
      const nft = d.findings
        .find((f) => f.code === 'ADDRESS_SUBSET_BLOCKED')
        ?.examples.find((e) => e.system === 'nftables');
      for (const a of [SERVER, ...POOL]) if (!nft?.text.includes(a)) throw new Error(`no rule for ${a}`);
    },
  },
  {
    name: 'every IPv6 address refused, IPv4 answers: the finding names the family',
    log: withAddresses([check(SERVER6, 'reset'), check(SERVER, 'open')]),
    codes: ['ADDRESS_SUBSET_BLOCKED'],
    channels: { control: 'partial' },
    check: title('ADDRESS_SUBSET_BLOCKED', /^IPv6: the control port is unreachable on every IPv6 address; IPv4: fine/),
  },
  {
    name: 'IPv6 passive dropped, IPv4 passive fine: FAMILY_PASSIVE_BLOCKED, passive partial',
    log: withAddresses([check(SERVER, 'open'), check(SERVER6, 'open')], (log) => {
      log.addresses!.familyData = [
        { family: 4, address: SERVER, attempt: pasvOk(60100, { command: 'EPSV' }) },
        { family: 6, address: SERVER6, attempt: v6Blocked },
      ];
    }),
    codes: ['FAMILY_PASSIVE_BLOCKED'],
    channels: { control: 'ok', passive: 'partial' },
    check: title('FAMILY_PASSIVE_BLOCKED', /^IPv6: passive data dropped; IPv4: fine/),
  },
  {
    name: 'every address answers and both families carry data: nothing more to say',
    log: withAddresses([check(SERVER, 'open'), check(SERVER6, 'open')], (log) => {
      log.addresses!.familyData = [
        { family: 4, address: SERVER, attempt: pasvOk(60100, { command: 'EPSV' }) },
        { family: 6, address: SERVER6, attempt: pasvOk(60200, { command: 'EPSV' }) },
      ];
    }),
    codes: [],
    allClear: true,
    channels: { control: 'ok', passive: 'ok' },
  },
  {
    name: 'vsftpd refuses data from another source address: DATA_SOURCE_ADDRESS_CHANGED, not a blocked port',
    log: mutate(clearLog(), (log) => {
      const refused = (command: 'PASV' | 'EPSV') => ({
        ...pasvOk(60100, { command }),
        listReplies: [reply(425, 'Security: Bad IP connecting.')],
        outcome: 'transfer-refused' as const,
      });
      log.passive = [refused('PASV'), refused('EPSV')];
    }),
    codes: ['DATA_SOURCE_ADDRESS_CHANGED'],
    channels: { passive: 'blocked' },
    check: (d) => {
      const f = d.findings.find((x) => x.code === 'DATA_SOURCE_ADDRESS_CHANGED');
      if (f?.how !== 'nat' || f.evidence.length < 2)
        throw new Error(`evidence of both attempts, how=nat: ${JSON.stringify(f)}`);
    },
  },
];
