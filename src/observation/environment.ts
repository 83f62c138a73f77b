export interface LocalFirewallObservation {
  platform: string;
  /** Which tool we read the ruleset with, read-only. */
  source?: 'nft' | 'iptables-save';
  readable: boolean;
  /** Why not readable (not root, tool missing…). */
  reason?: string;
  /** The ruleset text, capped at 256 KiB. */
  ruleset?: string;
  /** The ruleset was longer than the cap and was cut. */
  truncated?: boolean;
}

export interface EnvironmentObservation {
  os: string;
  node: string;
  localAddresses: string[];
  /** Local ephemeral port range (Linux ip_local_port_range), since it overlaps common passive ranges. */
  ephemeralPorts?: [number, number];
  fdLimit?: number;
}
