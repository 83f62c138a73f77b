import { isPositive, mergeRanges, rangesText } from '../ftp/index.js';
import type { ObservationLog } from '../observation/index.js';
import type { ClaimRecorder } from './claims.js';
import { describeReply } from './connect-facts.js';
import {
  dataEntries,
  failed,
  failureWords,
  overTls,
  reuseRefusal,
  sessionWords,
  worked,
  type DataEntry,
} from './data-attempts.js';
import type { Evidence, Finding } from './finding.js';
import { allowRuleExamples } from './firewall-examples.js';
import { isBlockingState, sweepEvidence, sweepStateAt } from './sweep-blocks.js';
import { serverAdvice } from './server-advice.js';
import { NON_RESUMING_CLIENTS, tlsReusePolicy, versionAdvice } from './tls-reuse-policy.js';

/**
 * FTPS (RFC 4217): the AUTH TLS handshake and its certificate, protected data connections that the
 * server refuses for want of TLS session reuse (§10.2), and the tell-tale of a firewall that only
 * works by reading the control channel: clear data gets through, protected data does not.
 */

export function tlsFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  return [
    ...controlTlsFindings(log),
    ...reuseFindings(log, claims),
    ...breaksAlgFindings(log, claims),
    ...dataHandshakeFindings(log, claims),
  ];
}

function controlTlsFindings(log: ObservationLog): Finding[] {
  const tls = log.tls;
  if (!tls) return [];
  const target = `${log.settings.host}:${log.settings.port}`;
  if (tls.authReply && !isPositive(tls.authReply)) {
    return [
      {
        code: 'TLS_HANDSHAKE_FAILED',
        // With --tls-auto the person did not insist on TLS and the check goes on in plain text.
        severity: tls.requested === 'auto' ? 'info' : 'error',
        channel: 'tls',
        title: `The server at ${target} does not offer FTPS (AUTH TLS refused)`,
        evidence: [{ ref: '/tls/authReply', fact: `AUTH TLS: ${describeReply(tls.authReply)}` }],
        rule: 'AUTH TLS was refused (RFC 4217 §4): usually the server has no FTPS configured; rarely an FTP-inspecting firewall in front of it refuses the command.',
        where: 'server-side',
        actor: 'server-admin',
        fix: [
          `Ask the server's admin to enable explicit FTPS (${serverAdvice(log.serverSoftware).enableTls}).`,
          'If the port speaks implicit FTPS instead, run again with --implicit-tls.',
        ],
        examples: [],
      },
    ];
  }
  const cert = tls.certificate;
  const certProblems = cert
    ? [
        ...(tls.authorizationError ? [tls.authorizationError] : []),
        ...(cert.expired ? [`expired on ${cert.validTo}`] : []),
        ...(!cert.hostnameMatches
          ? [`issued for ${cert.subjectAltNames ?? cert.subject}, not ${log.settings.host}`]
          : []),
        ...(cert.selfSigned && !tls.authorizationError ? ['self-signed'] : []),
      ]
    : [];
  const pinMismatch = tls.error?.code === 'E_TLS_FINGERPRINT';
  if (!tls.established && (tls.error?.code === 'E_TLS_CERT' || pinMismatch)) {
    // With --tls-auto and an anonymous login the check went on in plain text: the data channels were tested.
    return [
      certFinding(
        log,
        certProblems.length && !pinMismatch ? certProblems : [tls.error?.message ?? 'certificate not trusted'],
        tls.fellBackToPlain ? 'warning' : 'error',
      ),
    ];
  }
  // A server that died mid-handshake says nothing about TLS: the verdicts already say it went away.
  if (!tls.established && log.control.serverGone) return [];
  if (!tls.established) {
    return [
      {
        code: 'TLS_HANDSHAKE_FAILED',
        severity: 'error',
        channel: 'tls',
        title: `The TLS handshake with ${target} failed`,
        evidence: [
          {
            ref: '/tls/error',
            fact: `TLS handshake after ${tls.elapsedMs} ms: ${tls.error?.code ?? 'E_TLS'} ${tls.error?.message ?? 'failed'}`,
          },
        ],
        rule: 'The server accepted AUTH TLS but the handshake did not complete: no TLS version or cipher in common, or a middlebox that inspects port 21 cut the connection when it saw TLS.',
        where: 'unknown',
        actor: 'server-admin',
        fix: [
          `Test the handshake by hand: openssl s_client -connect ${target} -starttls ftp`,
          'If openssl succeeds from another network, a firewall with FTP inspection on your side blocks encrypted FTP: ask your network admin.',
          "Otherwise ask the server's admin to enable TLS 1.2 or 1.3 with current ciphers.",
        ],
        examples: [],
      },
    ];
  }
  // Accepted with --insecure: the person chose to go on, and the TLS verdict says so; not a finding.
  if (
    certProblems.length &&
    !tls.insecureAccepted &&
    (tls.authorizationError || cert?.expired || !cert?.hostnameMatches)
  ) {
    return [certFinding(log, certProblems, 'warning')];
  }
  return [];
}

function certFinding(log: ObservationLog, problems: string[], severity: Finding['severity']): Finding {
  const cert = log.tls?.certificate;
  return {
    code: 'TLS_CERT_UNTRUSTED',
    severity,
    channel: 'tls',
    title: `The server's certificate is not trusted: ${problems.join(', ')}`,
    evidence: [
      {
        ref: cert ? '/tls/certificate' : '/tls/error',
        fact: cert
          ? `certificate subject ${cert.subject}, issuer ${cert.issuer}, valid ${cert.validFrom} – ${cert.validTo}, SHA-256 ${cert.fingerprint256}`
          : (log.tls?.error?.message ?? 'certificate rejected'),
      },
    ],
    rule: 'Not a firewall: the connection works, but the certificate does not prove the server is who it claims to be.',
    where: 'server-side',
    actor: 'server-admin',
    fix: [
      "Ask the server's admin for a certificate from a trusted CA that names this host (e.g. Let's Encrypt).",
      `If you know the server and its fingerprint (${cert?.fingerprint256 ?? 'see above'}), trust that certificate in your client.`,
      rerunAdvice(log),
    ],
    examples: [],
  };
}

/**
 * How to get the rest of the check done despite the certificate: --trust-fingerprint accepts exactly
 * the certificate seen (a support engineer can send the fingerprint along); --insecure accepts any.
 */
function rerunAdvice(log: ObservationLog): string {
  const tls = log.tls;
  const fingerprint = tls?.certificate?.fingerprint256;
  const accept = fingerprint
    ? `--trust-fingerprint ${fingerprint} (accepts only this certificate) or --insecure (accepts any)`
    : '--insecure (accepts any certificate for the check)';
  if (tls?.fellBackToPlain)
    return `The check went on in plain text (anonymous login); run it again with ${accept} to test the data connections under TLS too.`;
  if (tls?.established) return `Or run the check with ${accept} to test anyway.`;
  if (tls?.requested === 'auto') {
    return `The check stopped before logging in, so that your password would not cross the network unencrypted: run it again with ${accept}, or with --no-tls (plain FTP, password unencrypted).`;
  }
  return `The check stopped at the certificate: run it again with ${accept}.`;
}

function reuseFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  const hits = dataEntries(log).flatMap((entry) => {
    const refusal = reuseRefusal(entry);
    return refusal ? [{ entry, refusal }] : [];
  });
  const policy = tlsReusePolicy(log);
  if (hits.length === 0 && !policy?.required) return [];
  for (const { entry } of hits) claims.claim(entry);
  const relax = serverAdvice(log.serverSoftware).relaxTlsReuse;
  const advice = policy?.required ? versionAdvice(policy) : undefined;
  // Only the probe's deliberately fresh session was refused: the check's own resuming connections worked.
  const probedOnly = hits.length === 0;
  return [
    {
      code: 'TLS_SESSION_REUSE_REQUIRED',
      severity: probedOnly ? 'warning' : 'error',
      channel: 'tls',
      title: probedOnly
        ? 'The server requires TLS data connections to resume the control session: clients that do not resume will fail'
        : 'The server requires the data connection to resume the TLS session, and it was not resumed',
      evidence: [
        ...hits.map(({ entry, refusal }) => ({
          ref: refusal.ref,
          fact: `${entry.attempt.command} under TLS, data transfer refused: ${describeReply(refusal.reply)}`,
        })),
        ...(policy?.required ? policy.evidence : []),
      ],
      rule: probedOnly
        ? `Not a firewall: a server policy (RFC 4217 §10.2). The check's data connections resumed the control session and worked; one that started a fresh TLS session was refused. Clients that do not resume fail here: ${NON_RESUMING_CLIENTS.map((c) => c.family).join('; ')}. FileZilla, WinSCP, lftp ≥ 4.6.1 and curl with OpenSSL resume and work.${advice ? ` ${advice}` : ''}`
        : 'Not a firewall: the data connection got through, then the server refused it because its TLS session was not a resumption of the control session (RFC 4217 §10.2).',
      where: 'server-side',
      actor: 'you',
      fix: [
        'Use a client that resumes the TLS session on data connections (FileZilla, lftp, WinSCP, curl with OpenSSL).',
        ...(probedOnly ? NON_RESUMING_CLIENTS.map((c) => `${c.family}: ${c.remedy} (${c.source}).`) : []),
        ...(relax ? [`Or ask the server's admin to relax it: ${relax.words}.`] : []),
      ],
      examples: relax ? [{ system: 'server', text: relax.example }] : [],
    },
  ];
}

const ALG_FAILURES = new Set(['connect-failed', 'no-inbound', 'server-connect-failed', 'command-refused']);

/**
 * Passive ports are random within the range, so with part of the range blocked by rule, plain
 * attempts can land on open ports and TLS attempts on blocked ones by chance. The sweep tells the
 * two apart: a TLS failure on a port the sweep found blocked is the rule's doing, unless a plain
 * transfer got through on a port the sweep found blocked too — only a helper opens those.
 */
function breaksAlgFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  const entries = dataEntries(log).filter((e) => !claims.has(e));
  const commands = [...new Set(entries.map((e) => e.attempt.command))];
  const sweep = sweepEvidence(log);
  const onSweptBlockedPort = (e: DataEntry): boolean => {
    const port = e.kind === 'passive' ? e.attempt.advertised?.port : undefined;
    const state = port === undefined ? undefined : sweepStateAt(sweep, port);
    return state !== undefined && isBlockingState(state);
  };
  const evidence: Evidence[] = [];
  const broken: DataEntry[] = [];
  for (const command of commands) {
    const same = entries.filter((e) => e.attempt.command === command);
    const plainOk = same.filter((e) => !overTls(e) && worked(e));
    const helperSeen = plainOk.some(onSweptBlockedPort);
    const tlsFailed = same.filter(
      (e) => overTls(e) && failed(e) && ALG_FAILURES.has(e.attempt.outcome) && (helperSeen || !onSweptBlockedPort(e)),
    );
    if (plainOk.length === 0 || tlsFailed.length === 0) continue;
    if (same.some((e) => overTls(e) && worked(e))) continue;
    evidence.push({ ref: plainOk[0]!.ref, fact: `${command} ${sessionWords(plainOk[0]!)}: data transfer complete` });
    for (const e of tlsFailed) {
      evidence.push({ ref: e.ref, fact: `${command} ${sessionWords(e)}: ${failureWords(e)}` });
      broken.push(e);
    }
  }
  if (broken.length === 0) return [];
  for (const e of broken) claims.claim(e);
  const server = log.control.connect?.address ?? log.settings.host;
  const passive = broken.some((e) => e.kind === 'passive');
  const active = broken.some((e) => e.kind === 'active');
  const modes = [passive ? 'passive' : '', active ? 'active' : ''].filter(Boolean).join(' and ');
  const passivePorts = mergeRanges(
    broken.flatMap((e) =>
      e.kind === 'passive' && e.attempt.advertised
        ? [[e.attempt.advertised.port, e.attempt.advertised.port] as [number, number]]
        : [],
    ),
  );
  return [
    {
      code: 'TLS_BREAKS_ALG',
      severity: 'error',
      channel: 'tls',
      title: `FTP works in clear text but ${modes} data fails under TLS: the firewall relies on an FTP helper`,
      how: 'alg',
      evidence,
      rule: `A firewall between you and the server admits FTP data connections only by reading PORT/PASV on the control channel (an FTP ALG, e.g. nftables ct helper "ftp" or a "fixup"/inspection feature). Under TLS it cannot read them, so ${modes} data connections to/from ${server} are not admitted.`,
      where: 'path',
      actor: 'network-admin',
      fix: [
        ...(passive
          ? [
              `Allow the passive data ports by rule instead of by helper: outbound TCP to ${server} ports ${rangesText(log.settings.ranges)} (ask the server admin for the exact passive range).`,
            ]
          : []),
        ...(active
          ? [
              `Allow inbound TCP from ${server} to your active port(s) ${rangesText([log.settings.activePorts])}, or use passive mode.`,
            ]
          : []),
        'Works today: plain FTP gets through, but it sends the password unencrypted; prefer fixing the rule.',
      ],
      examples: [
        ...(passive
          ? allowRuleExamples({
              direction: 'outbound',
              remote: server,
              ports: log.settings.ranges,
              purpose: 'FTPS passive data',
            })
          : []),
        ...(active
          ? allowRuleExamples({
              direction: 'inbound',
              remote: server,
              ports: [log.settings.activePorts],
              purpose: 'FTPS active data',
            })
          : []),
      ],
      ...(passivePorts.length ? { ports: passivePorts } : {}),
    },
  ];
}

function dataHandshakeFindings(log: ObservationLog, claims: ClaimRecorder): Finding[] {
  const failedTls = dataEntries(log).filter((e) => !claims.has(e) && e.attempt.outcome === 'tls-failed');
  if (failedTls.length === 0) return [];
  for (const e of failedTls) claims.claim(e);
  return [
    {
      code: 'TLS_HANDSHAKE_FAILED',
      severity: 'error',
      channel: 'tls',
      title: 'The TLS handshake on the data connection failed',
      evidence: failedTls.map((e) => ({ ref: e.ref, fact: `${e.attempt.command} under TLS: ${failureWords(e)}` })),
      rule: 'The data connection got through, but its TLS handshake did not complete: the server rejects it (often a session-reuse requirement it does not name) or a middlebox interferes.',
      where: 'unknown',
      actor: 'server-admin',
      fix: [
        'Try another client (lftp, FileZilla) to see whether it is this client’s TLS',
        "Ask the server's admin for its log of the failed data connection.",
      ],
      examples: [],
    },
  ];
}
