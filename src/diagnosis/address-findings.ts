import { endpoint } from '../ftp/index.js';
import { addressAnswers, type AddressCheck, type ObservationLog } from '../observation/index.js';
import { allowRuleExamplesFor } from './address-examples.js';
import { blockKindOfConnect, blockVerb, describeConnect } from './connect-facts.js';
import type { BlockKind, Evidence, Finding } from './finding.js';

/**
 * ADDRESS_SUBSET_BLOCKED: some of the server's addresses answer on the control port and others do
 * not. A client picks one address per connection (getaddrinfo order, RFC 6724, or a provider's
 * round robin), so the service works or fails depending on which one it picked. When every address
 * that fails is of one family and the other family answers, the finding says so: the rule written
 * for one family lacks its twin for the other.
 */

function whyNot(check: AddressCheck): string {
  if (check.connect.state === 'open') return `connected, but ${check.greeting?.kind ?? 'no greeting'}`;
  const how = blockKindOfConnect(check.connect.state, false);
  if (check.connect.state === 'reset') return 'refused';
  return how === 'drop' ? 'dropped' : how === 'icmp-reject' ? 'rejected' : check.connect.state;
}

/** The one way every failing address failed, when they agree. */
function commonKind(failing: AddressCheck[]): BlockKind | undefined {
  const kinds = new Set(failing.map((c) => blockKindOfConnect(c.connect.state, true)));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

/** "IPv6" when every failing address is of one family while the other family answers. */
export function failingFamily(answering: AddressCheck[], failing: AddressCheck[]): 4 | 6 | undefined {
  const families = new Set(failing.map((c) => c.family));
  if (families.size !== 1) return undefined;
  const family = [...families][0]!;
  const other = answering.some((c) => c.family !== family);
  const sameFamilyAnswers = answering.some((c) => c.family === family);
  return other && !sameFamilyAnswers ? family : undefined;
}

export function addressFindings(log: ObservationLog): Finding[] {
  const checks = log.addresses?.checks ?? [];
  const implicit = log.settings.tls === 'implicit';
  const answering = checks.filter((c) => addressAnswers(c, implicit));
  const failing = checks.filter((c) => !addressAnswers(c, implicit) && c.connect.state !== 'aborted');
  if (answering.length === 0 || failing.length === 0) return [];
  const port = log.settings.port;
  const listed = failing.map((c) => `${c.address} (${whyNot(c)})`).join(', ');
  const family = failingFamily(answering, failing);
  const how = commonKind(failing);
  const evidence: Evidence[] = checks.map((c, i) => ({
    ref: `/addresses/checks/${i}/connect`,
    fact: `${describeConnect(c.connect)}${c.greeting ? `; greeting ${c.greeting.kind}${c.greeting.code ? ` ${c.greeting.code}` : ''}` : ''}`,
  }));
  const all = checks.map((c) => c.address);
  const title = family
    ? `IPv${family}: the control port is unreachable on every IPv${family} address; IPv${family === 4 ? 6 : 4}: fine — clients that prefer IPv${family} fail`
    : `${answering.length} of ${checks.length} addresses answer; ${listed} do not — clients that pick them fail intermittently`;
  return [
    {
      code: 'ADDRESS_SUBSET_BLOCKED',
      severity: 'error',
      channel: 'control',
      title,
      ...(how ? { how } : {}),
      evidence,
      rule: `Outbound TCP to port ${port} is allowed to ${answering.map((c) => c.address).join(', ')} but ${blockVerb(how)} to ${failing.map((c) => endpoint(c.address, port)).join(', ')}: the allow-rule names only some of the server's addresses${family ? ` (no IPv${family} twin of the rule)` : ''}.`,
      where: 'unknown',
      actor: 'network-admin',
      fix: [
        `Allow outbound TCP port ${port} (and the passive range) to every address of the service: ${all.join(', ')}.`,
        ...(family
          ? [
              `Add the IPv${family} rule, or make your client use IPv${family === 4 ? 6 : 4} (e.g. curl -${family === 4 ? 6 : 4}).`,
            ]
          : []),
        'If the provider publishes its address list, allow all of it (check it with --addresses), not what DNS returned today.',
        'If the failing addresses are down on the provider side (the same result from another network), tell the provider.',
      ],
      examples: allowRuleExamplesFor(all, {
        direction: 'outbound',
        ports: [[port, port]],
        purpose: 'FTP control to every server address',
      }),
    },
  ];
}
