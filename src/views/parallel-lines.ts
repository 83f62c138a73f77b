import type { ParallelObservation } from '../observation/index.js';

/** The --parallel experiment in lines every view prints the same way. */
export function parallelLines(p: ParallelObservation): string[] {
  const ok = p.attempts.filter((a) => a.outcome === 'ok').length;
  const lines = [
    `Parallel sessions (--parallel ${p.requested}): ${p.opened} opened, besides ${p.ownSessions} of the check's own`,
    `  ${ok} of ${p.attempts.length} ${p.command} + LIST at once worked`,
  ];
  if (p.refusal) {
    const r = p.refusal;
    lines.push(
      `  session ${r.session} refused at ${r.stage}${r.reply ? `: ${r.reply.text.split('\n')[0]}` : r.error ? `: ${r.error.message}` : ''}`,
    );
  }
  const outcomes = new Map<string, number>();
  for (const a of p.attempts) outcomes.set(a.outcome, (outcomes.get(a.outcome) ?? 0) + 1);
  if (outcomes.size) lines.push(`  outcomes: ${[...outcomes].map(([o, n]) => `${n} ${o}`).join(', ')}`);
  if (p.reusedPorts.length) lines.push(`  passive ports handed to two sessions at once: ${p.reusedPorts.join(', ')}`);
  return lines;
}
