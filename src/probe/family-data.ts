import { addressAnswers, type FamilyDataCheck } from '../observation/index.js';
import type { CheckContext } from './check-context.js';
import { openControl, readGreeting, resumeSession } from './control-session.js';
import { probePassive } from './passive-probe.js';
import type { StepResult } from './step-runner.js';

/**
 * Passive data over IPv4 and over IPv6 when both answer on the control port: a firewall often has
 * the IPv4 rule for the passive range and lacks its IPv6 twin, so clients that prefer IPv6 (curl,
 * FileZilla: RFC 6724 ordering) fail while `-4` works. One EPSV (RFC 2428, the only passive
 * command IPv6 has) per family, on a session of its own to the first answering address of that
 * family, logged in and protected like the check's own session (resumeSession), concurrently.
 */

/** The first answering address of each family, when both families have one. */
export function familyTargets(ctx: CheckContext): Array<{ family: 4 | 6; address: string }> | undefined {
  const checks = ctx.run.log.addresses?.checks ?? [];
  const implicit = ctx.run.settings.tls === 'implicit';
  const pick = (family: 4 | 6) => checks.find((c) => c.family === family && addressAnswers(c, implicit));
  const v4 = pick(4);
  const v6 = pick(6);
  if (!v4 || !v6) return undefined;
  return [
    { family: 4, address: v4.address },
    { family: 6, address: v6.address },
  ];
}

async function checkFamily(ctx: CheckContext, family: 4 | 6, address: string): Promise<FamilyDataCheck> {
  const { run } = ctx;
  const quiet = { ...run, address };
  const open = await openControl(quiet, address);
  const channel = open.channel;
  if (!channel) return { family, address, skipped: `no control connection (${open.connect.state})` };
  try {
    const { closedEarly } = await readGreeting(quiet, channel);
    if (closedEarly) return { family, address, skipped: `no greeting: ${closedEarly.message}` };
    const protection = await resumeSession(quiet, channel, ctx.sessionTls);
    if (protection === undefined) return { family, address, skipped: 'the session could not be opened (login or TLS)' };
    const attempt = await probePassive(quiet, channel, 'EPSV', protection, { extensions: false, purpose: 'probe' });
    if (channel.usable) channel.write('QUIT');
    return { family, address, attempt };
  } finally {
    channel.close();
  }
}

export async function familyDataStep(
  ctx: CheckContext,
  targets: Array<{ family: 4 | 6; address: string }>,
): Promise<StepResult> {
  const results = await Promise.all(targets.map((t) => checkFamily(ctx, t.family, t.address)));
  const addresses = ctx.run.log.addresses;
  if (addresses) addresses.familyData = results;
  const words = results.map((r) => `IPv${r.family} ${r.address}: ${r.skipped ?? r.attempt?.outcome ?? 'not tried'}`);
  const failed = results.some((r) => r.attempt && r.attempt.outcome !== 'ok');
  return { status: failed ? 'warn' : 'ok', summary: words.join('; ') };
}

/** The engine's hook: the family-data step when both families answer. */
export async function everyFamily(ctx: CheckContext): Promise<void> {
  const targets = familyTargets(ctx);
  if (targets) await ctx.steps.step('family-data', () => familyDataStep(ctx, targets));
}
