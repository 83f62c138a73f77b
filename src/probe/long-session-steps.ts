import type { CheckContext } from './check-context.js';
import { idleTestStep } from './idle-test.js';
import { parallelStep } from './parallel-test.js';
import { transfersStep } from './transfer-step.js';

/**
 * The opt-in long-session experiments, after every data step: transfers by size and
 * direction, many sessions at once, then the idle test, which takes the longest. Each runs only
 * when asked for (or, for transfers, against a writable reference server) and records nothing
 * otherwise.
 */
export async function longSessionSteps(ctx: CheckContext): Promise<void> {
  await transfersStep(ctx);
  await parallelStep(ctx);
  await idleTestStep(ctx);
}
