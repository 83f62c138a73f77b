import type { IdleProbe, ObservationLog } from '../observation/index.js';
import type { Evidence, Finding } from './finding.js';

/**
 * The idle control connection test (--idle-test). During a long transfer the control connection
 * carries nothing; a NAT router, firewall or load balancer that forgets idle flows (Azure's load
 * balancer after 4 minutes by default, AWS Network Firewall after 350 s, many home routers sooner)
 * drops it, and the transfer "finishes" without its 226. A lost NOOP (no answer, or a reset) after
 * a silence is that; a 421 or close from the server is the server's own idle timeout instead.
 * Sources: AWS Network Firewall TcpIdleTimeoutSeconds, default 350 s
 * (docs.aws.amazon.com/network-firewall/latest/APIReference/API_FlowTimeouts.html); Azure Load
 * Balancer idle timeout, default 4 minutes (learn.microsoft.com/azure/load-balancer/load-balancer-tcp-idle-timeout).
 */
export function idleFindings(log: ObservationLog): Finding[] {
  const test = log.idleTest;
  if (!test) return [];
  const evidence: Evidence[] = test.probes.map((p, i) => ({ ref: `/idleTest/probes/${i}`, fact: probeFact(p) }));
  const findings: Finding[] = [];
  if (test.lostAfterMs !== undefined) {
    const limit = limitWords(test.survivedMs, test.lostAfterMs);
    findings.push({
      code: 'IDLE_CONTROL_DROPPED',
      severity: 'warning',
      channel: 'control',
      title: `The control connection is dropped after ${limit} idle`,
      evidence,
      rule: `Something on the path forgets a TCP flow that has been silent for ${limit}: a NAT or firewall state timeout, or a load balancer's idle timeout. A transfer that takes longer completes, but its final reply (226) never arrives and the client reports a failure.`,
      where: 'path',
      actor: 'network-admin',
      fix: [
        `Have the client send a keep-alive more often than every ${seconds(test.survivedMs ?? test.lostAfterMs / 2)} s during transfers:`,
        // FileZilla: the Settings dialog's Connection › FTP page; WinSCP: https://winscp.net/eng/docs/ui_login_connection
        'FileZilla: Edit › Settings › Connection › FTP › "Send FTP keep-alive commands".',
        'WinSCP: Advanced Site Settings › Connection › Keepalives: "Executing dummy protocol commands", and "Seconds between keepalives".',
        // curl(1) --keepalive-time: TCP keepalive probes after this many idle seconds (60 by default, Linux and others)
        'curl: --keepalive-time SECONDS (TCP keep-alive probes on the connections; on by default every 60 s unless --no-keepalive).',
        // lftp(1): ftp:nop-interval only covers the wait for the end of a download
        'lftp: set ftp:nop-interval (NOOPs only while it waits for the end of a download); otherwise raise the middlebox timeout.',
        'Or raise the idle (established-flow) timeout on the NAT router, firewall or load balancer above your longest transfer.',
      ],
      examples: [
        {
          system: 'nftables',
          text: '# on a Linux router: keep established TCP flows 2 hours (the kernel default is 5 days)\nsysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=7200',
        },
      ],
    });
  }
  const byServer = test.probes.filter((p) => p.outcome === 'server-closed');
  if (byServer.length > 0 && test.lostAfterMs === undefined) {
    findings.push({
      code: 'IDLE_CONTROL_DROPPED',
      severity: 'info',
      channel: 'control',
      title: `The server itself ends idle sessions (after at most ${seconds(Math.min(...byServer.map((p) => p.idleMs ?? p.plannedIdleMs)))} s)`,
      evidence,
      rule: 'The server closed the silent sessions itself (a 421 or its own close): its idle timeout, not a middlebox. Clients that send keep-alive commands stay connected.',
      where: 'server-side',
      actor: 'server-admin',
      fix: [
        "Enable the client's keep-alive (see above), or raise the server's idle timeout (vsftpd idle_session_timeout, proftpd TimeoutIdle, pure-ftpd -I).",
      ],
      examples: [],
    });
  }
  return findings;
}

function probeFact(p: IdleProbe): string {
  const idle = `${seconds(p.idleMs ?? p.plannedIdleMs)} s idle`;
  const reply = p.reply ? `: ${p.reply.text.split('\n')[0]}` : p.error ? `: ${p.error.message}` : '';
  return `session silent for ${idle}, then NOOP → ${p.outcome}${reply}`;
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/** "between 2 and 4 min" / "between 3 and 6 s" / "less than 90 s". */
export function limitWords(survivedMs: number | undefined, lostAfterMs: number): string {
  const minutes = lostAfterMs >= 120_000;
  const unit = (ms: number): string => (minutes ? `${+(ms / 60_000).toFixed(1)}` : `${seconds(ms)}`);
  const suffix = minutes ? 'min' : 's';
  return survivedMs === undefined
    ? `less than ${unit(lostAfterMs)} ${suffix}`
    : `between ${unit(survivedMs)} and ${unit(lostAfterMs)} ${suffix}`;
}
