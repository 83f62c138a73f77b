import { describe, expect, it } from 'vitest';
import { allowRuleExamples } from '../../src/diagnosis/firewall-examples.js';

describe('allowRuleExamples', () => {
  it.each([
    {
      name: 'outbound IPv4 range',
      flow: {
        direction: 'outbound' as const,
        remote: '203.0.113.10',
        ports: [[60000, 65535]] as Array<[number, number]>,
        purpose: 'FTP passive data',
      },
      want: {
        nftables: 'nft insert rule inet filter output ip daddr 203.0.113.10 tcp dport 60000-65535 accept',
        iptables: 'iptables -I OUTPUT -p tcp -d 203.0.113.10 --dport 60000:65535 -j ACCEPT',
        'windows-firewall':
          'New-NetFirewallRule -DisplayName "ftpdoctor: FTP passive data" -Direction Outbound -Protocol TCP -RemotePort 60000-65535 -RemoteAddress 203.0.113.10 -Action Allow',
        pf: 'pass out quick proto tcp from any to 203.0.113.10 port 60000:65535',
      },
    },
    {
      name: 'inbound IPv6, two ranges',
      flow: {
        direction: 'inbound' as const,
        remote: '2001:db8::10',
        ports: [
          [50000, 50000],
          [50010, 50019],
        ] as Array<[number, number]>,
        purpose: 'FTP active data',
      },
      want: {
        nftables: 'nft insert rule inet filter input ip6 saddr 2001:db8::10 tcp dport { 50000, 50010-50019 } accept',
        iptables:
          'ip6tables -I INPUT -p tcp -s 2001:db8::10 --dport 50000 -j ACCEPT\nip6tables -I INPUT -p tcp -s 2001:db8::10 --dport 50010:50019 -j ACCEPT',
        'windows-firewall':
          '-Direction Inbound -Protocol TCP -LocalPort 50000,50010-50019 -RemoteAddress 2001:db8::10 -Action Allow',
        pf: 'pass in quick proto tcp from 2001:db8::10 to any port { 50000 50010:50019 }',
      },
    },
  ])('$name', ({ flow, want }) => {
    const examples = allowRuleExamples(flow);
    expect(examples.map((e) => e.system)).toEqual(['nftables', 'iptables', 'windows-firewall', 'pf']);
    for (const e of examples) expect(e.text).toContain(want[e.system as keyof typeof want]);
  });
});
