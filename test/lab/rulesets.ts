/**
 * nftables rulesets the scenarios apply, as an admin would write them. Pure text builders; the lab
 * loads them with `nft -f` in the router (forwarded traffic) or the client (its own INPUT/OUTPUT).
 */

export type BlockAction = 'drop' | 'reset' | 'icmp-admin';
export type PortRange = [number, number];

export interface BlockRule {
  /** Destination TCP ports matched. */
  ports: PortRange[];
  action: BlockAction;
  /** Only packets to this address: the server for passive data, the client for active data. */
  daddr?: string;
  /** Only the first packet of a connection, so that replies on an ephemeral port never match. */
  newOnly?: boolean;
}

function portMatch(ports: PortRange[]): string {
  const items = ports.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`));
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

function verdict(action: BlockAction): string {
  switch (action) {
    case 'drop':
      return 'drop';
    case 'reset':
      return 'reject with tcp reset';
    case 'icmp-admin':
      return 'reject with icmp type admin-prohibited';
  }
}

function ruleLine(rule: BlockRule): string {
  const daddr = rule.daddr === undefined ? '' : `ip daddr ${rule.daddr} `;
  const state = rule.newOnly === true ? 'ct state new ' : '';
  return `${daddr}tcp dport ${portMatch(rule.ports)} ${state}${verdict(rule.action)}`;
}

/** A filter table hooked at forward (router), input or output (a host's own firewall). */
export function blockRuleset(hook: 'forward' | 'input' | 'output', rules: BlockRule[], table = 'fw_filter'): string {
  return `table ip ${table} {
  chain ${hook} {
    type filter hook ${hook} priority filter; policy accept;
${rules.map((r) => `    ${ruleLine(r)}`).join('\n')}
  }
}
`;
}

/**
 * A stateful router as many sites run it: new connections only to the control port; data connections
 * only as "related" flows, which the Linux FTP conntrack helper creates from the 227/229 replies and
 * PORT/EPRT commands it reads in clear text (it also rewrites them through NAT). Under AUTH TLS it
 * reads nothing, so TLS data connections are new, unrelated, and dropped.
 */
export function ftpHelperStatefulRuleset(clientInterface: string): string {
  return `table inet fw_helper {
  ct helper ftp-standard {
    type "ftp" protocol tcp;
  }
  chain prerouting {
    type filter hook prerouting priority filter; policy accept;
    iifname "${clientInterface}" tcp dport 21 ct helper set "ftp-standard"
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname "${clientInterface}" tcp dport 21 ct state new accept
  }
}
`;
}
