import { describe, expect, it } from 'vitest';
import type { BlockedFlow } from '../../src/diagnosis/firewall-examples.js';
import { matchBlockedFlow } from '../../src/diagnosis/local-firewall-match.js';
import { readDump } from '../../src/firewall/detect.js';

const SERVER = '203.0.113.10';
const passive = (ports: Array<[number, number]>): BlockedFlow => ({
  direction: 'outbound',
  remote: SERVER,
  ports,
  purpose: 'test',
});
const inbound = (ports: Array<[number, number]>): BlockedFlow => ({
  direction: 'inbound',
  remote: SERVER,
  ports,
  purpose: 'test',
});

const nft = (chain: string, hook: string, policy: string, rules: string[]) =>
  `table inet filter {\n\tchain ${chain} {\n\t\ttype filter hook ${hook} priority filter; policy ${policy};\n${rules.map((r) => `\t\t${r}`).join('\n')}\n\t}\n}\n`;

describe('matchBlockedFlow', () => {
  it.each([
    {
      name: 'nft drop of exactly the blocked range',
      ruleset: nft('output', 'output', 'accept', [`ip daddr ${SERVER} tcp dport 63000-65535 drop`]),
      flow: passive([[63000, 65535]]),
      want: [
        {
          text: `ip daddr ${SERVER} tcp dport 63000-65535 drop`,
          by: 'rule',
          ports: [[63000, 65535]],
          uncertain: false,
        },
      ],
    },
    {
      name: 'nft rule for another address does not match',
      ruleset: nft('output', 'output', 'accept', ['ip daddr 198.51.100.0/24 tcp dport 60000-65535 drop']),
      flow: passive([[60000, 65535]]),
      want: [],
    },
    {
      name: 'nft subnet and a set of ports, reject',
      ruleset: nft('output', 'output', 'accept', [
        'ip daddr 203.0.113.0/24 tcp dport { 21, 64000-64999 } reject with icmpx type admin-prohibited',
      ]),
      flow: passive([[60000, 65535]]),
      want: [{ by: 'rule', verdict: 'reject', ports: [[64000, 64999]], uncertain: false }],
    },
    {
      name: 'policy drop after an accept for part of the range: the policy takes the rest',
      ruleset: nft('output', 'output', 'drop', [
        'ct state established,related accept',
        'tcp dport 21 accept',
        'tcp dport 60000-62999 accept',
      ]),
      flow: passive([[60000, 65535]]),
      want: [{ by: 'policy', ports: [[63000, 65535]], uncertain: false }],
    },
    {
      name: 'an accept for everything before a drop: no match',
      ruleset: nft('output', 'output', 'accept', [`ip daddr ${SERVER} accept`, 'tcp dport 60000-65535 drop']),
      flow: passive([[60000, 65535]]),
      want: [],
    },
    {
      name: 'an accept bound to an interface (not loopback) makes the later drop uncertain',
      ruleset: nft('output', 'output', 'accept', ['oifname "wg0" accept', 'tcp dport 60000-65535 drop']),
      flow: passive([[60000, 65535]]),
      want: [{ by: 'rule', ports: [[60000, 65535]], uncertain: true }],
    },
    {
      name: 'a negated rule is uncertain',
      ruleset: nft('output', 'output', 'accept', ['ip daddr != 10.0.0.0/8 tcp dport 60000-65535 drop']),
      flow: passive([[60000, 65535]]),
      want: [{ by: 'rule', uncertain: true }],
    },
    {
      name: 'an input-chain rule does not block an outbound flow',
      ruleset: nft('input', 'input', 'accept', ['tcp dport 60000-65535 drop']),
      flow: passive([[60000, 65535]]),
      want: [],
    },
    {
      name: 'iptables-save: multiport REJECT in OUTPUT',
      ruleset:
        '*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 203.0.113.10/32 -p tcp -m multiport --dports 21,63000:65535 -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n',
      flow: passive([[60000, 65535]]),
      want: [{ by: 'rule', verdict: 'reject', ports: [[63000, 65535]], uncertain: false }],
    },
    {
      name: 'iptables-save: INPUT policy DROP with only established accepted blocks active mode',
      ruleset:
        '*filter\n:INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n',
      flow: inbound([[50000, 50009]]),
      want: [{ by: 'policy', ports: [[50000, 50009]], uncertain: false }],
    },
    {
      name: 'iptables nat table rules are not filter rules',
      ruleset: '*nat\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -p tcp --dport 60000:65535 -j DROP\nCOMMIT\n',
      flow: passive([[60000, 65535]]),
      want: [],
    },
    {
      name: 'nft -j: a prefix match and a drop',
      ruleset: JSON.stringify({
        nftables: [
          {
            chain: { family: 'ip', table: 'f', name: 'out', type: 'filter', hook: 'output', prio: 0, policy: 'accept' },
          },
          {
            rule: {
              family: 'ip',
              table: 'f',
              chain: 'out',
              expr: [
                {
                  match: {
                    op: '==',
                    left: { payload: { protocol: 'ip', field: 'daddr' } },
                    right: { prefix: { addr: '203.0.113.0', len: 24 } },
                  },
                },
                {
                  match: {
                    op: '==',
                    left: { payload: { protocol: 'tcp', field: 'dport' } },
                    right: { range: [63000, 65535] },
                  },
                },
                { counter: { packets: 0, bytes: 0 } },
                { drop: null },
              ],
            },
          },
        ],
      }),
      flow: passive([[60000, 65535]]),
      want: [
        {
          text: 'ip f out: ip daddr 203.0.113.0/24 tcp dport 63000-65535 drop',
          by: 'rule',
          ports: [[63000, 65535]],
          uncertain: false,
        },
      ],
    },
  ])('$name', ({ ruleset, flow, want }) => {
    const got = matchBlockedFlow(readDump(ruleset), flow);
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => expect(got[i]).toMatchObject(w));
  });
});
