import type { ObservationLog } from '../observation/index.js';
import { ClaimSet } from './claims.js';
import { FINDERS, type Conclusions } from './finders.js';
import type { Channel, Diagnosis } from './finding.js';
import { bySeverity } from './order.js';
import { upgradeLog } from './upgrade-log.js';
import { recommendation } from './recommendation.js';
import { channelVerdicts, overallVerdict } from './verdicts.js';
import { withTransferExperiments } from './experiment-verdicts.js';

export interface DiagnoseOptions {
  /** Channels that must work (--require, default passive); control is always required. */
  require: Channel[];
}

/** Observation log → findings, verdicts and advice. Pure: same log, same diagnosis. */
export function diagnose(recorded: ObservationLog, opts: DiagnoseOptions): Diagnosis {
  const log = upgradeLog(recorded);
  const start: Conclusions = { findings: [], claims: ClaimSet.empty };
  const { findings } = FINDERS.reduce((so, finder) => finder.run(log, so), start);
  const sorted = [...findings].sort(bySeverity);
  const required = [...new Set(opts.require)];
  const channels = withTransferExperiments(channelVerdicts(log), log);
  const verdict = overallVerdict(channels, required);
  return {
    required,
    channels,
    findings: sorted,
    verdict,
    recommendation: recommendation(channels, required, verdict, sorted),
  };
}
