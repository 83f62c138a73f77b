import type { ObservationLog } from '../observation/index.js';
import { activeFindings } from './active-findings.js';
import { addressFindings } from './address-findings.js';
import { algFindings } from './alg-findings.js';
import { ClaimRecorder, type ClaimSet } from './claims.js';
import { controlFindings } from './control-findings.js';
import { dataSourceFindings } from './data-source-findings.js';
import { dataStallFindings } from './data-stall-findings.js';
import { familyFindings } from './family-findings.js';
import type { Finding } from './finding.js';
import { localFirewallFindings } from './local-firewall-findings.js';
import { localResourceFindings } from './local-resource-findings.js';
import { passiveFindings } from './passive-findings.js';
import { tlsFindings } from './tls-findings.js';
import { transferSizeFindings } from './transfer-size-findings.js';
import { idleFindings } from './idle-findings.js';
import { sessionLimitFindings } from './session-limit-findings.js';

/** What the finders have concluded so far. */
export interface Conclusions {
  readonly findings: readonly Finding[];
  readonly claims: ClaimSet;
}

export interface Finder {
  name: string;
  /** Why it stands where it does in FINDERS. */
  place: string;
  run(log: ObservationLog, before: Conclusions): Conclusions;
}

/** A finder that adds findings and claims the data attempts it explains. */
function claiming(find: (log: ObservationLog, claims: ClaimRecorder) => Finding[]): Finder['run'] {
  return (log, before) => {
    const claims = new ClaimRecorder(before.claims);
    const found = find(log, claims);
    return { findings: [...before.findings, ...found], claims: claims.result() };
  };
}

/**
 * The finders in the order they run. A failed data attempt is explained by the first finder that
 * claims it, so the most specific explanations come first and the generic port and address
 * findings only see what is left: one failure never shows up under two codes.
 */
export const FINDERS: readonly Finder[] = [
  {
    name: 'control',
    place: 'first: without a control session no data attempt exists to explain',
    run: (log, before) => ({ ...before, findings: [...before.findings, ...controlFindings(log)] }),
  },
  {
    name: 'local-resource',
    place: "before every network finder: this computer's own shortage (EMFILE…) is never a firewall",
    run: claiming(localResourceFindings),
  },
  {
    name: 'data-source',
    place:
      'before the TLS and port findings: a data connection the server refused for its source address reached its port',
    run: claiming(dataSourceFindings),
  },
  {
    name: 'tls',
    place: 'before the port findings: a data connection that only TLS broke is not a blocked port',
    run: claiming(tlsFindings),
  },
  {
    name: 'data-stall',
    place: 'before the port findings: a connection that opened and then stalled reached its port',
    run: claiming(dataStallFindings),
  },
  {
    name: 'passive',
    place: 'after the specific explanations: blocked ports, private addresses, EPSV',
    run: claiming(passiveFindings),
  },
  {
    name: 'active',
    place: 'after the specific explanations: PORT/EPRT refused, inbound connection never came',
    run: claiming(activeFindings),
  },
  {
    name: 'addresses',
    place: "after the check's own channels: reads the other addresses' control checks; claims nothing",
    run: (log, before) => ({ ...before, findings: [...before.findings, ...addressFindings(log)] }),
  },
  {
    name: 'families',
    place:
      "after the check's own channels: reads the per-family EPSV sessions, not the check's attempts; claims nothing",
    run: (log, before) => ({ ...before, findings: [...before.findings, ...familyFindings(log)] }),
  },
  {
    name: 'transfer-size',
    place: 'reads the transfer experiments, which no other finder explains; claims nothing',
    run: (log, before) => ({ ...before, findings: [...before.findings, ...transferSizeFindings(log)] }),
  },
  {
    name: 'idle',
    place: 'reads the idle control connection test only; claims nothing',
    run: (log, before) => ({ ...before, findings: [...before.findings, ...idleFindings(log)] }),
  },
  {
    name: 'session-limit',
    place: 'reads the --parallel experiment only, whose attempts no other finder sees; claims nothing',
    run: (log, before) => ({ ...before, findings: [...before.findings, ...sessionLimitFindings(log)] }),
  },
  {
    name: 'alg',
    place: 'reads what the server received against what was sent; claims nothing',
    run: (log, before) => ({ ...before, findings: [...before.findings, ...algFindings(log)] }),
  },
  {
    name: 'local-firewall',
    place: "last: it matches every blocking finding against this computer's own ruleset and revises them",
    run: (log, before) => ({ ...before, findings: localFirewallFindings(log, before.findings) }),
  },
];
