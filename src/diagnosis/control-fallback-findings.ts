import type { ObservationLog } from '../observation/index.js';
import { describeConnect } from './connect-facts.js';
import type { Finding } from './finding.js';

/**
 * CONTROL_UNREACHABLE read with the other FTP ports the check tried (log.controlFallback): implicit
 * FTPS answering on 990 means only the control port is blocked, and says what works today; no port
 * answering means nothing of this host answers, which no single rule on port 21 explains.
 */
export function withControlFallback(log: ObservationLog, finding: Finding): Finding {
  const tried = log.controlFallback?.ports;
  if (!tried || tried.length === 0) return finding;
  const given = log.settings.port;
  const host = log.settings.host;
  const evidence = tried.map((p, i) => ({
    ref: `/controlFallback/ports/${i}`,
    fact: `${describeConnect(p.connect)}${p.implicitTls?.greeting ? `; TLS handshake and greeting: ${p.implicitTls.greeting}` : p.implicitTls?.error ? `; TLS: ${p.implicitTls.error}` : ''}`,
  }));
  const implicit = tried.find((p) => p.implicitTls?.greeting);
  const answering = tried.filter((p) => p.connect.state === 'open');
  if (implicit) {
    return {
      ...finding,
      title: `Only port ${given} is blocked: implicit FTPS on ${implicit.port} works — use ftps://${host}:${implicit.port}`,
      evidence: [...finding.evidence, ...evidence],
      rule: `${finding.rule} The same host answers implicit FTPS on port ${implicit.port} (TLS handshake and an FTP greeting), so the host is up and reachable: only port ${given} is stopped.`,
      fix: [
        `Works today: connect with implicit FTPS to port ${implicit.port} (ftps://${host}:${implicit.port}; ftpdoctor check ftps://${host}:${implicit.port}).`,
        ...finding.fix,
      ],
    };
  }
  if (answering.length > 0) {
    const ports = answering.map((p) => p.port).join(', ');
    return {
      ...finding,
      evidence: [...finding.evidence, ...evidence],
      rule: `${finding.rule} The host answers on port ${ports}, so it is up and reachable: the block is on port ${given} only.`,
    };
  }
  const refused = tried.filter((p) => p.connect.state === 'reset');
  if (refused.length > 0) {
    const ports = refused.map((p) => p.port).join(', ');
    return {
      ...finding,
      evidence: [...finding.evidence, ...evidence],
      rule: `${finding.rule} Port ${ports} answered with a reset (nothing listens there, or a rule rejects it): something answers for the host, so it is probably up, and port ${given} is stopped on its own.`,
    };
  }
  const all = [given, ...tried.map((p) => p.port)].join(', ');
  return {
    ...finding,
    title: `Nothing of ${host} answers (ports ${all} tried)`,
    evidence: [...finding.evidence, ...evidence],
    rule: `${finding.rule} No other FTP port of the host answers either (${tried.map((p) => `${p.port} ${p.connect.state}`).join(', ')}): the host is down, unreachable from here, or a rule stops all of its traffic.`,
  };
}

/** The control verdict's words about the other FTP ports, empty when none were tried. */
export function controlFallbackWords(log: ObservationLog): string {
  const tried = log.controlFallback?.ports;
  if (!tried || tried.length === 0) return '';
  const implicit = tried.find((p) => p.implicitTls?.greeting);
  if (implicit)
    return `; implicit FTPS on port ${implicit.port} works: use ftps://${log.settings.host}:${implicit.port}`;
  const answering = tried.filter((p) => p.connect.state === 'open').map((p) => p.port);
  if (answering.length) return `; the host answers on port ${answering.join(', ')}`;
  const refused = tried.filter((p) => p.connect.state === 'reset').map((p) => p.port);
  if (refused.length)
    return `; port ${refused.join(', ')} refused (closed, or rejected by a rule): something answers for the host`;
  return `; nothing of this host answers (also tried port ${tried.map((p) => p.port).join(', ')})`;
}
