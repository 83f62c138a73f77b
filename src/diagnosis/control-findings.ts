import { endpoint } from '../ftp/index.js';
import type { ConnectOutcome, GreetingKind, ObservationLog } from '../observation/index.js';
import { blockKindOfConnect, blockVerb, describeConnect, describeReply } from './connect-facts.js';
import type { BlockKind, Finding } from './finding.js';
import { allowRuleExamples } from './firewall-examples.js';
import { isResourceErrno } from './local-resource.js';
import { withControlFallback } from './control-fallback-findings.js';

/**
 * The control channel (RFC 959 §5.1): can we reach the port, is it FTP, does it let us in.
 * A DNS failure and an unusable local route are reported here too, since both stop the control
 * connection before any firewall could be seen; running out of local resources is LOCAL_RESOURCE.
 */

export function controlFindings(log: ObservationLog): Finding[] {
  const resolveFailure = dnsFinding(log);
  if (resolveFailure) return [resolveFailure];
  const connect = log.control.connect;
  if (connect && connect.state !== 'open') {
    const finding = unreachableFinding(connect);
    return finding ? [withControlFallback(log, finding)] : [];
  }
  const greeting = log.control.greeting;
  if (greeting && greeting.kind !== 'ftp') return [notFtpFinding(log, greeting.kind)];
  const login = log.login;
  if (login && !login.ok) return [loginFinding(log)];
  return [];
}

function dnsFinding(log: ObservationLog): Finding | undefined {
  const error = log.resolve?.error;
  if (!error) return undefined;
  return {
    code: 'CONTROL_UNREACHABLE',
    severity: 'error',
    channel: 'control',
    title: `The name ${log.resolve?.host} does not resolve (${error.code})`,
    how: 'dns',
    evidence: [
      { ref: '/resolve/error', fact: `DNS lookup of ${log.resolve?.host} failed: ${error.code} ${error.message}` },
    ],
    rule: 'No firewall was reached: the host name could not be turned into an address.',
    where: 'this-computer',
    actor: 'you',
    fix: [
      'Check the spelling of the host name.',
      `Check that this computer's DNS works: nslookup ${log.resolve?.host}`,
      'If the name only exists inside a VPN or office network, connect to it first, or use the IP address.',
    ],
    examples: [],
  };
}

function unreachableFinding(connect: ConnectOutcome): Finding | undefined {
  if (connect.state === 'aborted') return undefined;
  if (connect.state === 'local-error' && isResourceErrno(connect.errno)) return undefined;
  const target = endpoint(connect.address, connect.port);
  // On the control port a reset says only that something answered "no": a closed port or a tcp-reset rule.
  const how: BlockKind =
    connect.state === 'local-error' ? 'local' : (blockKindOfConnect(connect.state, true) ?? 'reset');
  const evidence = [{ ref: '/control/connect', fact: describeConnect(connect) }];
  const flow = {
    direction: 'outbound' as const,
    remote: connect.address,
    ports: [[connect.port, connect.port]] as Array<[number, number]>,
    purpose: `FTP control to ${connect.address}`,
  };
  const common = {
    code: 'CONTROL_UNREACHABLE' as const,
    severity: 'error' as const,
    channel: 'control' as const,
    how,
    evidence,
  };
  switch (connect.state) {
    case 'no-answer':
      return {
        ...common,
        title: `Nothing answers on ${target}: the connection is silently dropped`,
        rule: `Outbound TCP to ${connect.address} port ${connect.port} ${blockVerb('drop')} somewhere between you and the server (or the server is down).`,
        where: 'path',
        actor: 'network-admin',
        fix: [
          `Ask your network admin to allow outbound TCP to ${target}.`,
          `If your network allows it, ask the server's admin whether the server is up and its firewall admits port ${connect.port} from your address.`,
          'Try from another network (e.g. a phone hotspot): if it works there, the block is on your side.',
        ],
        examples: allowRuleExamples(flow),
        ports: flow.ports,
      };
    case 'icmp-reject':
      return {
        ...common,
        title: `A firewall rejects the connection to ${target} (${connect.errno ?? 'ICMP'})`,
        rule: `Outbound TCP to ${connect.address} port ${connect.port} ${blockVerb('icmp-reject')} (${connect.errno ?? 'ICMP'}): a firewall or router with an explicit reject rule.`,
        where: 'path',
        actor: 'network-admin',
        fix: [
          `Ask your network admin to allow outbound TCP to ${target}.`,
          'traceroute -T -p ' + connect.port + ' ' + connect.address + ' shows which hop rejects it.',
        ],
        examples: allowRuleExamples(flow),
        ports: flow.ports,
      };
    case 'reset':
      return {
        ...common,
        title: `${target} refuses the connection: no FTP server listens there, or a firewall resets it`,
        rule: `TCP to ${connect.address} port ${connect.port} is answered with a reset: either nothing listens on port ${connect.port} or a firewall rejects it with tcp-reset (the two look the same to a client).`,
        where: 'server-side',
        actor: 'server-admin',
        fix: [
          'Check the host and port (FTPS with implicit TLS uses 990: --implicit-tls).',
          `Ask the server's admin whether the FTP server is running and listening on port ${connect.port}.`,
          `If it is, a firewall rejects your connection: ask for outbound TCP to ${target} to be allowed.`,
        ],
        examples: allowRuleExamples(flow),
        ports: flow.ports,
      };
    case 'local-error':
      return {
        ...common,
        title: `This computer cannot send to ${target} (${connect.errno ?? 'local error'})`,
        rule: `This computer refused to open TCP to ${connect.address}: a blackhole/prohibit route or local policy (${connect.errno ?? 'unknown errno'}).`,
        where: 'this-computer',
        actor: 'you',
        fix: [
          `Check the route to the server: ip route get ${connect.address}`,
          'Check VPN or proxy software that redirects or blocks traffic.',
        ],
        examples: [],
      };
  }
  return undefined;
}

const NOT_FTP: Record<string, { what: string; fix: string }> = {
  http: {
    what: 'a web server answers',
    fix: 'Use the FTP port (usually 21), not the web port; or the server offers no FTP.',
  },
  ssh: {
    what: 'an SSH server answers (SFTP is not FTP)',
    fix: 'Use an SFTP client for this port, or the FTP port (usually 21).',
  },
  smtp: { what: 'a mail server answers', fix: 'Use the FTP port (usually 21).' },
  tls: {
    what: 'the port expects a TLS handshake first (implicit FTPS)',
    fix: 'Run again with --implicit-tls (FTPS on port 990 style).',
  },
  silent: {
    what: 'the connection opens but nothing is said',
    fix: 'A proxy or firewall may accept the connection and hold it; ask the network admin, or check that the server is an FTP server.',
  },
  slow: {
    what: 'the greeting trickles in too slowly to finish',
    fix: 'A middlebox or an overloaded server delays the reply; try again, or ask the server admin.',
  },
  garbage: {
    what: 'bytes that are not an FTP reply come back',
    fix: 'Check the port; a proxy or another service answers there.',
  },
  closed: {
    what: 'the connection is closed without a word',
    fix: 'The server (TCP wrappers, an IP ban, max clients) or a firewall closes the connection: ask the server admin whether your address is allowed.',
  },
  'ftp-busy': {
    what: 'the FTP server refuses service (421)',
    fix: 'The server is busy, limits connections per address, or bans your address: try later or ask the server admin.',
  },
};

function notFtpFinding(log: ObservationLog, kind: GreetingKind): Finding {
  const g = log.control.greeting!;
  const connect = log.control.connect;
  const target = connect ? endpoint(connect.address, connect.port) : `${log.settings.host}:${log.settings.port}`;
  const known = NOT_FTP[kind] ?? { what: `an unexpected greeting (${kind})`, fix: 'Check the host and port.' };
  const busy = kind === 'ftp-busy';
  return {
    code: busy ? 'CONTROL_UNREACHABLE' : 'CONTROL_NOT_FTP',
    severity: 'error',
    channel: 'control',
    title: `${target}: ${known.what}`,
    evidence: [
      {
        ref: '/control/greeting',
        fact: g.reply
          ? `greeting after ${g.elapsedMs} ms: ${describeReply(g.reply)}`
          : `first bytes after ${g.elapsedMs} ms: "${g.firstBytes}"`,
      },
    ],
    rule: busy
      ? `The FTP server at ${target} accepts the connection and then refuses service with 421.`
      : `TCP to ${target} gets through, but what answers is not an FTP server.`,
    where: 'server-side',
    actor: busy ? 'server-admin' : 'you',
    fix: [known.fix],
    examples: [],
  };
}

function loginFinding(log: ObservationLog): Finding {
  const login = log.login!;
  const reply = login.passReply ?? login.userReply;
  const wantsTls = reply !== undefined && /\b(TLS|SSL|encrypt|AUTH)\b/i.test(reply.text);
  const evidence = [
    ...(login.userReply
      ? [{ ref: '/login/userReply', fact: `USER ${login.user}: ${describeReply(login.userReply)}` }]
      : []),
    ...(login.passReply ? [{ ref: '/login/passReply', fact: `PASS ***: ${describeReply(login.passReply)}` }] : []),
  ];
  return {
    code: 'LOGIN_FAILED',
    severity: 'error',
    channel: 'control',
    title: `Login as ${login.user} was refused: not a firewall problem`,
    evidence,
    rule: 'This is not a firewall problem: the connection to the server works and the server itself refused the login.',
    where: 'server-side',
    actor: 'you',
    fix: [
      ...(wantsTls
        ? ['The server requires encryption before login: run again with --tls (explicit FTPS, AUTH TLS).']
        : []),
      login.anonymous
        ? 'The server does not accept anonymous login: give --user and a password (--password-env VAR).'
        : 'Check the user name and password (the password is read from --password-env or typed at the prompt).',
      "If the account should work, ask the server's admin to check it (locked, expired, or limited to certain addresses).",
    ],
    examples: [],
  };
}
