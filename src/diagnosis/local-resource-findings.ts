import type { ObservationLog } from '../observation/index.js';
import type { ClaimRecorder } from './claims.js';
import { describeConnect } from './connect-facts.js';
import { activeEntries, passiveEntries } from './data-attempts.js';
import type { Channel, Evidence, Finding } from './finding.js';
import { isResourceErrno, resourceAdvice } from './local-resource.js';

/**
 * This computer could not do its part (EMFILE, EADDRINUSE…): not the network, and never called a
 * firewall. A control-channel one means the check could not run at all.
 */

interface Hit {
  channel: Channel;
  errno?: string;
  evidence: Evidence;
}

function hits(log: ObservationLog, claims: ClaimRecorder): Hit[] {
  const out: Hit[] = [];
  const c = log.control.connect;
  if (c && c.state === 'local-error' && isResourceErrno(c.errno))
    out.push({ channel: 'control', errno: c.errno, evidence: { ref: '/control/connect', fact: describeConnect(c) } });
  const early = log.control.closedEarly;
  if (early?.code === 'E_LOCAL_RESOURCE')
    out.push({
      channel: 'control',
      evidence: {
        ref: '/control/closedEarly',
        fact: `control session ended after ${early.elapsedMs} ms: ${early.reason}`,
      },
    });
  for (const e of passiveEntries(log)) {
    e.attempt.connections.forEach((conn, j) => {
      if (conn.connect.state === 'local-error') {
        claims.claim(e);
        out.push({
          channel: 'passive',
          errno: conn.connect.errno,
          evidence: { ref: `${e.ref}/connections/${j}/connect`, fact: describeConnect(conn.connect) },
        });
      }
      if (conn.transfer?.error?.code === 'E_LOCAL_RESOURCE') {
        claims.claim(e);
        out.push({
          channel: 'passive',
          errno: conn.transfer.error.errno,
          evidence: { ref: `${e.ref}/connections/${j}/transfer`, fact: conn.transfer.error.message },
        });
      }
    });
  }
  for (const e of activeEntries(log)) {
    const listen = e.attempt.listen;
    if ('error' in listen) {
      claims.claim(e);
      out.push({
        channel: 'active',
        errno: listen.error.errno,
        evidence: {
          ref: `${e.ref}/listen`,
          fact: `could not listen for the server's connection: ${listen.error.errno ?? listen.error.code} ${listen.error.message}`,
        },
      });
    } else if (e.attempt.transfer?.error?.code === 'E_LOCAL_RESOURCE') {
      claims.claim(e);
      out.push({
        channel: 'active',
        errno: e.attempt.transfer.error.errno,
        evidence: { ref: `${e.ref}/transfer`, fact: e.attempt.transfer.error.message },
      });
    }
  }
  const sweepLocal = log.sweep?.counts['local-error'] ?? 0;
  if (sweepLocal > 0) {
    const errnos = log.sweep?.errnos['local-error'] ?? [];
    out.push({
      channel: 'passive',
      errno: errnos[0],
      evidence: {
        ref: '/sweep/counts/local-error',
        fact: `${sweepLocal} ports of the sweep could not be tried on this computer${errnos.length ? ` (${[...new Set(errnos)].join(', ')})` : ''}`,
      },
    });
  }
  return out;
}

export function localResourceFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  const all = hits(log, claims);
  const channels = [...new Set(all.map((h) => h.channel))];
  return channels.map((channel) => {
    const mine = all.filter((h) => h.channel === channel);
    const errnos = [...new Set(mine.map((h) => h.errno).filter((x): x is string => x !== undefined))];
    const sweepOnly = mine.every((h) => h.evidence.ref.startsWith('/sweep'));
    return {
      code: 'LOCAL_RESOURCE',
      severity: sweepOnly ? 'warning' : 'error',
      channel,
      title: `This computer ran short of a local resource${errnos.length ? ` (${errnos.join(', ')})` : ''}: not a network problem`,
      how: 'local',
      evidence: mine.map((h) => h.evidence),
      rule: `Not a network or firewall problem: this computer could not ${channel === 'active' ? 'listen for' : 'open'} the ${channel} connection${sweepOnly ? ' for some sweep ports, which were left untested' : ''}.`,
      where: 'this-computer',
      actor: 'you',
      fix: [...new Set((errnos.length ? errnos : [undefined]).map(resourceAdvice))],
      examples: [],
    } satisfies Finding;
  });
}
