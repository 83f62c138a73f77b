import type { CheckContext } from './check-context.js';
import { loginIsPublic } from './control-session.js';

/** Asks the person whether the plain-text comparison may send their login in clear (the live view). */
export type ConfirmComparePlain = (context: { user: string; host: string; signal: AbortSignal }) => Promise<boolean>;

/**
 * Before the data steps of a TLS session with a real password: when someone can be asked and the
 * consent was not given with --compare-plain, ask it (issue 12). A yes is recorded in the settings
 * (comparePlain), so the plan opens the plain-text comparison session and the report shows why.
 */
export async function askComparePlain(ctx: CheckContext): Promise<void> {
  const { run } = ctx;
  const { settings } = run;
  if (!run.confirmComparePlain || !ctx.sessionTls || settings.tls === 'implicit') return;
  if (settings.comparePlain === true || loginIsPublic(run)) return;
  const yes = await run.confirmComparePlain({ user: settings.user, host: settings.host, signal: run.signal });
  if (yes) settings.comparePlain = true;
}
