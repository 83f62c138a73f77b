import { addressAnswers, type ObservationLog } from '../observation/index.js';
import type { ChannelVerdict, Verdicts } from './finding.js';

/**
 * The channel verdicts seen across every address: a control channel that works on the address the
 * check used but not on others of the same service is partial (clients that pick the others
 * fail), and so is a passive channel that works over one IP family and not the other.
 */
export function acrossAddresses(log: ObservationLog, verdicts: Verdicts): Verdicts {
  const addresses = log.addresses;
  if (!addresses) return verdicts;
  const implicit = log.settings.tls === 'implicit';
  const silent = addresses.checks.filter((c) => !addressAnswers(c, implicit) && c.connect.state !== 'aborted');
  const partial = (v: ChannelVerdict, why: string): ChannelVerdict =>
    v.status === 'ok' ? { status: 'partial', summary: `${v.summary}; but ${why}` } : v;
  const control =
    silent.length > 0
      ? partial(
          verdicts.control,
          `${silent.length} of ${addresses.checks.length} addresses do not answer (${silent.map((c) => c.address).join(', ')})`,
        )
      : verdicts.control;
  const failedFamily = (addresses.familyData ?? []).find((d) => d.attempt && d.attempt.outcome !== 'ok');
  const passive = failedFamily
    ? partial(verdicts.passive, `passive data over IPv${failedFamily.family} failed (${failedFamily.attempt?.outcome})`)
    : verdicts.passive;
  return { ...verdicts, control, passive };
}
