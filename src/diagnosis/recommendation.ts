import type { Channel, Diagnosis, Finding, Verdicts } from './finding.js';

/** The one line a person reads first: what works and what to use, or what is in the way. */
export function recommendation(
  channels: Verdicts,
  required: Channel[],
  verdict: Diagnosis['verdict'],
  findings: Finding[],
): string {
  const top = findings[0];
  const { passive, active, tls } = channels;
  if (verdict === 'ok') {
    const mode =
      passive.status === 'ok' && active.status === 'ok'
        ? 'Passive and active mode both work'
        : passive.status === 'ok'
          ? 'Passive mode works: use it'
          : active.status === 'ok'
            ? 'Active mode works: use it'
            : 'The connection works';
    const secure = tls.status === 'ok' ? ', with TLS' : '';
    const caveat = findings.find(
      (f) => f.severity !== 'info' && !required.includes(f.channel) && f.channel !== 'control',
    );
    return `${mode}${secure}.${caveat ? ` (Not required, but: ${caveat.title}.)` : ''}`;
  }
  if (
    channels.control.status === 'ok' &&
    required.includes('passive') &&
    passive.status === 'blocked' &&
    active.status === 'ok'
  ) {
    return `Passive mode is blocked, active mode works: use active mode until this is fixed — ${top?.title ?? passive.summary}.`;
  }
  if (!top) {
    const notOk = (['control', ...required] as Channel[])
      .filter((c) => channels[c].status !== 'ok')
      .map((c) => `${c} ${channels[c].status}: ${channels[c].summary}`);
    return `${verdict === 'error' ? 'Could not check everything' : 'Not everything works'} — ${[...new Set(notOk)].join('; ')}. See the transcript for the server's replies.`;
  }
  const today = top.fix.find((step) => /^Works (today|meanwhile)/.test(step));
  return `${top.title}. ${today ?? top.fix[0] ?? ''}`.trim();
}
