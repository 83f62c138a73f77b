import type { ObservationLog } from '../observation/index.js';
import { activeFindings } from './active-findings.js';
import { algFindings } from './alg-findings.js';
import { controlFindings } from './control-findings.js';
import { Claims } from './data-attempts.js';
import { dataStallFindings } from './data-stall-findings.js';
import type { Channel, Diagnosis } from './finding.js';
import { localFirewallFindings } from './local-firewall-findings.js';
import { localResourceFindings } from './local-resource-findings.js';
import { passiveFindings } from './passive-findings.js';
import { recommendation } from './recommendation.js';
import { tlsFindings } from './tls-findings.js';
import { bySeverity } from './order.js';
import { channelVerdicts, overallVerdict } from './verdicts.js';

export interface DiagnoseOptions {
  /** Channels that must work (--require, default passive); control is always required. */
  require: Channel[];
}

/**
 * Observation log → findings, verdicts and advice. Pure: same log, same diagnosis. The order of the
 * finders matters: the most specific explanation of a failed data attempt claims it first (a local
 * resource error, then TLS, then a stall), so the generic port and address findings only see what
 * is left and one failure never shows up under two codes.
 */
export function diagnose(log: ObservationLog, opts: DiagnoseOptions): Diagnosis {
  const claims = new Claims();
  const findings = [
    ...controlFindings(log),
    ...localResourceFindings(log, claims),
    ...tlsFindings(log, claims),
    ...dataStallFindings(log, claims),
    ...passiveFindings(log, claims),
    ...activeFindings(log, claims),
    ...algFindings(log),
  ];
  findings.push(...localFirewallFindings(log, findings));
  findings.sort(bySeverity);
  const required = [...new Set(opts.require)];
  const channels = channelVerdicts(log);
  const verdict = overallVerdict(channels, required);
  return {
    required,
    channels,
    findings,
    verdict,
    recommendation: recommendation(channels, required, verdict, findings),
  };
}
