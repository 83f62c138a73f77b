import { endpoint, rangesText } from '../ftp/index.js';
import type { FamilyDataCheck, ObservationLog } from '../observation/index.js';
import { allowRuleExamplesFor } from './address-examples.js';
import { blockKindOfConnect, blockVerb, describeConnect } from './connect-facts.js';
import type { Finding } from './finding.js';

/**
 * FAMILY_PASSIVE_BLOCKED: passive data works over one IP family and not over the other. The common
 * story: the IPv4 rule for the passive range was written and its IPv6 twin was not, so clients that
 * prefer IPv6 fail while `-4` works: getaddrinfo sorts IPv6 first by RFC 6724's default policy
 * table (§2.1), and clients connect in that order.
 */

function failedConnect(check: FamilyDataCheck) {
  return check.attempt?.outcome === 'connect-failed' ? check.attempt.connections.at(-1)?.connect : undefined;
}

export function familyFindings(log: ObservationLog): Finding[] {
  const data = log.addresses?.familyData ?? [];
  const good = data.find((d) => d.attempt?.outcome === 'ok');
  const bad = data.find((d) => failedConnect(d) !== undefined);
  if (!good || !bad || good.family === bad.family) return [];
  const connect = failedConnect(bad)!;
  const how = blockKindOfConnect(connect.state, true);
  const ranges = log.settings.ranges;
  const other = good.family;
  const index = data.indexOf(bad);
  return [
    {
      code: 'FAMILY_PASSIVE_BLOCKED',
      severity: 'error',
      channel: 'passive',
      title: `IPv${bad.family}: passive data ${how === 'drop' ? 'dropped' : 'blocked'}; IPv${other}: fine — add the IPv${bad.family} rule, or make your client use IPv${other}`,
      ...(how ? { how } : {}),
      evidence: [
        {
          ref: `/addresses/familyData/${index}/attempt`,
          fact: `IPv${bad.family}: EPSV to ${bad.address} then ${describeConnect(connect)}`,
        },
        {
          ref: `/addresses/familyData/${data.indexOf(good)}/attempt`,
          fact: `IPv${other}: EPSV to ${good.address} and the listing worked`,
        },
      ],
      rule: `Outbound TCP to the passive ports (${rangesText(ranges)}) ${blockVerb(how)} over IPv${bad.family} (${endpoint(bad.address, connect.port)}) and allowed over IPv${other}: the IPv${other} rule has no IPv${bad.family} twin.`,
      where: 'unknown',
      actor: 'network-admin',
      fix: [
        `Add the IPv${bad.family} rule for the passive range to ${bad.address} (ip6tables/nft ip6, or an inet table that covers both families).`,
        `Meanwhile make your client use IPv${other} (curl -${other}; ftpdoctor check -${other}).`,
      ],
      examples: allowRuleExamplesFor([bad.address], {
        direction: 'outbound',
        ports: ranges,
        purpose: `FTP passive data over IPv${bad.family}`,
      }),
      ports: ranges,
    },
  ];
}
