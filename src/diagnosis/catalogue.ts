import type { FindingCode, Severity } from './finding.js';

/**
 * What each finding code means, for `ftpdoctor explain CODE` and `explain --list`. Written for the
 * person at the keyboard: what it means, why it usually happens, how to fix it.
 */

export interface CatalogueEntry {
  code: FindingCode;
  title: string;
  meaning: string;
  typicalCause: string;
  fix: string[];
  /** Whether it is about a firewall at all: several codes are explicitly not. */
  firewall: boolean;
  /** The most severe form it takes. */
  severity: Severity;
}

const entries: Record<FindingCode, Omit<CatalogueEntry, 'code'>> = {
  CONTROL_UNREACHABLE: {
    title: 'The FTP control connection cannot be made',
    meaning:
      'ftpdoctor could not open the control connection (TCP port 21, or the port given). How it failed tells where: no answer (a DROP rule on the way), an ICMP reject (an explicit REJECT rule), a reset (nothing listening, or a tcp-reset rule), a DNS failure (the name does not resolve), a local route error, or a 421 refusal from the server itself.',
    typicalCause:
      'An outbound firewall that allows only web traffic; the server is down or listens on another port; a wrong host name.',
    fix: [
      'Check the host name and port.',
      'Ask your network admin to allow outbound TCP to the server on the control port.',
      'Try from another network: if it works there, the block is on your side.',
    ],
    firewall: true,
    severity: 'error',
  },
  CONTROL_NOT_FTP: {
    title: 'Something other than an FTP server answers on the control port',
    meaning:
      'The TCP connection works, but what answers is not FTP: a web server, SSH/SFTP, a mail server, a TLS handshake (implicit FTPS), silence, or garbage.',
    typicalCause:
      'The wrong port; SFTP mistaken for FTP; implicit FTPS on port 990; a transparent proxy that intercepts port 21.',
    fix: [
      'Check the port and protocol (SFTP needs an SFTP client; implicit FTPS needs --implicit-tls).',
      'If a proxy intercepts the port, ask your network admin.',
    ],
    firewall: false,
    severity: 'error',
  },
  TLS_HANDSHAKE_FAILED: {
    title: 'The TLS handshake (FTPS) fails',
    meaning: 'The server refused AUTH TLS, or the TLS handshake on the control or data connection did not complete.',
    typicalCause:
      'The server has no FTPS configured; no TLS version/cipher in common; an FTP-inspecting firewall that cuts encrypted sessions.',
    fix: [
      'Test by hand: openssl s_client -connect HOST:21 -starttls ftp',
      "Ask the server's admin to enable explicit FTPS with TLS 1.2+.",
    ],
    firewall: false,
    severity: 'error',
  },
  TLS_CERT_UNTRUSTED: {
    title: "The server's TLS certificate is not trusted",
    meaning:
      'The certificate is self-signed, expired, issued by an unknown CA, or names another host. Not a firewall problem.',
    typicalCause: 'A default self-signed certificate on the FTP server.',
    fix: [
      "Ask the server's admin for a certificate from a trusted CA that names the host.",
      'If you know the server, trust its fingerprint in your client.',
      'To check anyway, run again with --insecure (accept the certificate), or with --no-tls (plain FTP: a password then crosses the network unencrypted).',
    ],
    firewall: false,
    severity: 'error',
  },
  LOGIN_FAILED: {
    title: 'The server refused the login: not a firewall problem',
    meaning: 'The connection to the server works; the server itself refused the user name or password (530).',
    typicalCause: 'Wrong credentials; anonymous login disabled; the server requires TLS before login.',
    fix: [
      'Check the user name and password.',
      'If the server requires encryption, use --tls.',
      "Ask the server's admin whether the account is active.",
    ],
    firewall: false,
    severity: 'error',
  },
  PASSIVE_PORTS_BLOCKED: {
    title: "The server's passive data ports are blocked",
    meaning:
      'Data connections to the ports the server announces in passive mode (PASV/EPSV) do not get through: all of them, or exact sub-ranges, dropped (no answer), rejected with ICMP (often rate-limited, so it looks partly dropped), or reset by a firewall on a port the server was listening on. A reset from a port nothing listens on looks the same as a reset rule, so against an ordinary server only the announced ports prove a reset rule: when all of them were reset the rule likely covers the whole range, when only some were its boundary is unknown; `ftpdoctor serve --sweep-mode` on the server side draws it exactly.',
    typicalCause:
      'An outbound firewall that allows port 21 but not the passive range (e.g. 60000–65535), or a server firewall that opens only part of its range. Partly blocked ranges make transfers fail at random.',
    fix: [
      "Allow outbound TCP to the server's passive range (ask the server's admin for it).",
      "Or ask the server's admin to narrow the passive range to ports your network allows.",
      'Meanwhile, active mode may work.',
    ],
    firewall: true,
    severity: 'error',
  },
  PASV_PRIVATE_ADDRESS: {
    title: 'The server advertises a private address in passive mode',
    meaning:
      'The 227 reply names a private (RFC 1918, CGNAT, loopback, link-local) address instead of the public one you connected to: the server is behind NAT without its public address configured. ftpdoctor says whether connecting to the control address instead worked.',
    typicalCause:
      'vsftpd without pasv_address, proftpd without MasqueradeAddress, pure-ftpd without -P, pyftpdlib without masquerade_address, behind a NAT router.',
    fix: [
      "Ask the server's admin to configure the public address for passive mode.",
      'Meanwhile use a client that ignores the PASV address (curl, lftp ftp:fix-pasv-address, FileZilla default), or EPSV.',
    ],
    firewall: false,
    severity: 'error',
  },
  PASV_ADDRESS_MISMATCH: {
    title: 'The server advertises a different public address in passive mode',
    meaning:
      'The 227 reply names a routable address other than the one you connected to. ftpdoctor does not connect to a third address by default; it tries the control address instead.',
    typicalCause: 'A wrong pasv_address, a load balancer or a multi-homed server.',
    fix: [
      "Ask the server's admin to advertise the address clients connect to.",
      'Meanwhile use a client that ignores the PASV address, or EPSV.',
    ],
    firewall: false,
    severity: 'error',
  },
  EPSV_BLOCKED_PASV_OK: {
    title: 'EPSV fails where PASV works',
    meaning:
      'Extended passive mode (EPSV, RFC 2428) is refused or its data connections fail, while classic PASV works.',
    typicalCause: 'An FTP-inspecting firewall or helper that understands only PASV; an old server without EPSV.',
    fix: [
      'Use PASV (curl --disable-epsv; lftp set ftp:prefer-epsv false); most clients fall back by themselves.',
      'Ask the network admin to update the FTP inspection or allow the passive range by rule.',
    ],
    firewall: true,
    severity: 'warning',
  },
  ACTIVE_INBOUND_BLOCKED: {
    title: "The server's connection back to you (active mode) is blocked",
    meaning:
      "In active mode the server connects to a port on your computer; that connection does not arrive (this computer's firewall, your router) or the server refuses active mode.",
    typicalCause:
      'A personal firewall that blocks inbound connections; a router without a port forward; a server with active mode disabled.',
    fix: [
      'Use passive mode.',
      'Or allow inbound TCP from the server to your active port(s) and forward them on your router.',
    ],
    firewall: true,
    severity: 'error',
  },
  ACTIVE_NAT: {
    title: 'Active mode sends your private address (you are behind NAT)',
    meaning:
      'The PORT/EPRT command names this computer\'s private address, and the server says it sees you elsewhere: it refused the address as foreign (vsftpd "500 Illegal PORT command", pure-ftpd "500 I won\'t open a connection to A (only to B)" — B is your public address, pyftpdlib "501 Rejected data connection to foreign address …"), or the reference server reported the address it sees. A private address alone is no proof of NAT: corporate and campus networks route private addresses without it (see ACTIVE_NAT_OR_INBOUND).',
    typicalCause: 'A home or office NAT router without an FTP helper.',
    fix: [
      'Use passive mode.',
      'Or set your public address in the client (--external-ip) and forward the active port range on the router.',
    ],
    firewall: false,
    severity: 'error',
  },
  ACTIVE_NAT_OR_INBOUND: {
    title: 'Active mode fails: NAT, or an inbound rule (cannot tell which from here)',
    meaning:
      "PORT/EPRT named this computer's private address, the server accepted it, and its connection back never arrived. The server's answer does not say where it sees you (ProFTPD accepts any address and connects to the control peer instead; unknown servers may do anything), so NAT and an inbound firewall rule look the same.",
    typicalCause:
      'A NAT router without an FTP helper, or a network that routes private addresses to the server without NAT while a firewall drops inbound connections.',
    fix: [
      'Use passive mode.',
      "Tell the two apart: check against a server that refuses foreign PORT addresses (vsftpd, pure-ftpd, pyftpdlib) or the reference server (ftpdoctor serve), or read the client address in the server's log.",
      'Behind NAT: send your public address (--external-ip) and forward the active ports; without NAT: allow inbound TCP from the server to the active ports.',
    ],
    firewall: true,
    severity: 'error',
  },
  ALG_REWRITE: {
    title: 'A device rewrites FTP commands in transit (FTP ALG/helper)',
    meaning:
      'The PORT argument the server received, or the 227 reply the server sent, differs from what the other side saw: a NAT router or firewall rewrites the control channel.',
    typicalCause:
      'An FTP helper (Linux nf_conntrack_ftp / nftables ct helper "ftp", Cisco fixup, a home router ALG). It works for plain FTP only; under TLS it is blind.',
    fix: [
      'For FTPS, open the passive range by rule instead of relying on the helper.',
      'If the rewrite is wrong, disable the helper/ALG.',
    ],
    firewall: true,
    severity: 'warning',
  },
  TLS_BREAKS_ALG: {
    title: 'Plain FTP data works but FTPS data fails: the firewall depends on an FTP helper',
    meaning:
      'Data connections work in clear text and fail under TLS: a firewall opens data ports only by reading PORT/PASV on the control channel, which TLS hides.',
    typicalCause:
      'A firewall that allows only established/related traffic plus an FTP helper/ALG, with no rule for the passive range.',
    fix: [
      "Allow the server's passive range (or your active ports) by explicit rule.",
      'Do not switch to plain FTP to work around it: the password would travel in clear.',
    ],
    firewall: true,
    severity: 'error',
  },
  TLS_SESSION_REUSE_REQUIRED: {
    title: 'The server requires TLS session reuse on data connections',
    meaning:
      "The server refuses a protected data connection that does not resume the control connection's TLS session (RFC 4217 §10.2). ftpdoctor resumes, so its own transfers work; it probes the policy with one data connection that deliberately starts a fresh session (a warning when only that one was refused, an error when the check's own were), under TLS 1.3 and TLS 1.2 each where the server offers them (a control session limited to the other version), after three resumed data connections in a row on one session. Whether reuse is required under TLS 1.3 and whether 1.2 is offered decide whether capping Java JSSE or curl with Schannel at TLS 1.2 helps. Not a firewall problem. Clients that do not resume fail: .NET SslStream (FtpWebRequest, FluentFTP's default stream; FluentFTP issues #236, #1283), Java JSSE (Apache Commons Net FTPSClient; NET-408, worse under TLS 1.3), curl with Schannel under TLS 1.3 (curl issues #22225, #4654), and Node FTP libraries that do not pass the session on (basic-ftp issues #60, #282).",
    typicalCause:
      'vsftpd require_ssl_reuse=YES (the default), proftpd mod_tls without NoSessionReuseRequired, FileZilla Server 1.x; measured refusals: vsftpd "522 SSL connection failed: session reuse required", proftpd "425 Unable to build data connection: Operation not permitted".',
    fix: [
      'Use a client that resumes TLS sessions (FileZilla, lftp ≥ 4.6.1, WinSCP, curl with OpenSSL).',
      '.NET: FluentFTP with FluentFTP.GnuTLS; Java: a library that resumes the session on the data socket, or TLS 1.2 with the session-copying workaround; curl with Schannel: --tls-max 1.2; Node: basic-ftp.',
      "Or ask the server's admin to relax it (vsftpd require_ssl_reuse=NO; proftpd TLSOptions NoSessionReuseRequired), at the cost of the protection it gives against data-connection hijacking.",
    ],
    firewall: false,
    severity: 'error',
  },
  DATA_STALLED: {
    title: 'Data connections open but stall or deliver nothing',
    meaning: 'The data connection got through, but no data arrived, or the transfer stopped part-way.',
    typicalCause:
      'A path-MTU black hole (ICMP "fragmentation needed" filtered), a proxy holding the connection, or deep packet inspection.',
    fix: [
      'Test the path MTU (ping -M do -s 1472 HOST).',
      'Ask the network admin to allow ICMP fragmentation-needed or clamp the TCP MSS.',
    ],
    firewall: true,
    severity: 'error',
  },
  DATA_STALLED_LARGE: {
    title: 'Small transfers work, large ones stall (in one direction)',
    meaning:
      'The transfer experiments (--download, --upload-dir) moved small files, but a larger one in the same direction stopped part-way or never finished. Listings and small files fit in packets below the path MTU; a large transfer sends full-size packets.',
    typicalCause:
      'A path-MTU black hole: a link with an MTU below 1500 (PPPoE, a VPN, a tunnel) and the ICMP "fragmentation needed" (type 3 code 4) or ICMPv6 "packet too big" messages filtered. Or an inspecting firewall that resets long data flows.',
    fix: [
      'Find the path MTU with ping -M do -s 1472 SERVER, lowering the size until it passes.',
      'Clamp the TCP MSS on the router at the narrow link; allow ICMP type 3 code 4 and ICMPv6 packet-too-big.',
      "As a workaround, lower this computer's MTU.",
    ],
    firewall: true,
    severity: 'error',
  },
  IDLE_CONTROL_DROPPED: {
    title: 'An idle control connection is dropped',
    meaning:
      'The idle test (--idle-test) left logged-in sessions silent for growing times; after some silence a NOOP got no answer or a reset. During a long transfer the control connection is silent just as long, so the 226 at its end is lost.',
    typicalCause:
      'A NAT router, firewall or cloud load balancer with a short idle timeout for established flows (Azure load balancer: 4 min by default; AWS Network Firewall: 350 s; many home routers less). As info: the server ends idle sessions itself.',
    fix: [
      'Turn on the client\'s keep-alive: FileZilla "Send FTP keep-alive commands", WinSCP Keepalives, curl --keepalive-time.',
      'Or raise the idle timeout of the middlebox above the longest transfer.',
    ],
    firewall: true,
    severity: 'warning',
  },
  SESSION_LIMIT: {
    title: 'Many sessions or transfers at once fail',
    meaning:
      'With --parallel N, extra sessions were opened while the earlier ones stayed open, then each listed a directory at the same moment. The server refused a session beyond some number, or simultaneous transfers failed, or it handed the same passive port to two sessions.',
    typicalCause:
      'A per-address session limit (vsftpd max_per_ip, proftpd MaxClientsPerHost, pure-ftpd -C) or a connection limit on a firewall; a passive port range smaller than the number of simultaneous transfers.',
    fix: [
      'Lower the client\'s simultaneous transfers below the limit (FileZilla "Maximum simultaneous transfers", WinSCP "Maximal number of transfers at the same time").',
      "Raise the server's limit, or widen its passive range (and the firewall rules for it).",
    ],
    firewall: false,
    severity: 'warning',
  },
  LOCAL_FIREWALL: {
    title: "This computer's own firewall blocks the connection",
    meaning:
      "A rule (or the default policy) in this computer's firewall matches the connection that was blocked; ftpdoctor quotes it. On Linux the ruleset is read with nft/iptables-save, on Windows with the NetSecurity cmdlets (or netsh), on macOS with pfctl (all read-only; root or Administrator is needed to see everything).",
    typicalCause:
      'A restrictive OUTPUT policy that admits port 21 but not the passive range; an INPUT policy that blocks active-mode connections.',
    fix: [
      'Change or remove the quoted rule, or add an accept rule before it (pf: a pass quick rule; Windows Firewall: a block rule beats every allow rule, so disable or narrow it).',
      'A dump from another computer can be checked with ftpdoctor firewall FILE.',
    ],
    firewall: true,
    severity: 'error',
  },
  LOCAL_RESOURCE: {
    title: 'This computer ran short of a resource: not a network problem',
    meaning:
      'A local error such as EMFILE (too many open files) or EADDRINUSE (port in use) stopped a step. It says nothing about any firewall.',
    typicalCause: 'A low open-file limit, another program using the chosen port, exhausted local ports.',
    fix: ['Raise the open-file limit (ulimit -n), free or change the port, and run the check again.'],
    firewall: false,
    severity: 'error',
  },
  ADDRESS_SUBSET_BLOCKED: {
    title: "Only some of the server's addresses answer: clients that pick the others fail",
    meaning:
      "The server's name resolves to several addresses (or the provider publishes several), and the control port answers on some of them but not on others. A client picks one address per connection, so the service works or fails depending on the pick: intermittent failures that come and go. When every failing address is IPv6 (or IPv4) and the other family answers, the rule exists for one family only.",
    typicalCause:
      "An outbound allow-rule that names the addresses DNS returned once, before the provider added more; an IPv4 rule without its IPv6 twin; one of the provider's addresses down.",
    fix: [
      "Allow the control port and the passive range to every address of the service (the provider's published list).",
      'Check the list with ftpdoctor check HOST --addresses A,B,C (or @file).',
      'If the failing addresses fail from every network, tell the provider.',
    ],
    firewall: true,
    severity: 'error',
  },
  FAMILY_PASSIVE_BLOCKED: {
    title: 'Passive data works over one IP family and not over the other',
    meaning:
      'The server answers over IPv4 and IPv6, and a passive (EPSV) data connection over one family worked while over the other it was blocked. Clients that prefer the blocked family (most prefer IPv6) fail, while the same client forced to the other family works.',
    typicalCause:
      'The passive-range rule was written for IPv4 (iptables, `ip` table) and its IPv6 twin (ip6tables, `ip6` table) was not.',
    fix: [
      'Add the passive-range rule for the blocked family, or write it once in an nftables `inet` table that covers both.',
      'Meanwhile make the client use the working family (curl -4 / -6).',
    ],
    firewall: true,
    severity: 'error',
  },
  DATA_SOURCE_ADDRESS_CHANGED: {
    title: 'The data connection comes from another address than the control connection, and the server refuses it',
    meaning:
      "The passive data connection reached the server, but from a different public address than the control connection, and the server accepts data only from the control connection's address (vsftpd: `425 Security: Bad IP connecting.`). Not a blocked port.",
    typicalCause:
      'A carrier-grade NAT pool, a dual-WAN router or a load-balancing source NAT that gives each connection its own public address.',
    fix: [
      'Make the FTP flows leave from one address (sticky/persistent source NAT, or a policy route for the server).',
      'Use SFTP or FTPS over one connection, or a VPN, when that is not possible.',
      'Last resort on the server: vsftpd pasv_promiscuous=YES / proftpd AllowForeignAddress on (weakens RFC 2577 §4 protection).',
    ],
    firewall: false,
    severity: 'error',
  },
};

export const CATALOGUE: readonly CatalogueEntry[] = Object.entries(entries).map(([code, e]) => ({
  code: code as FindingCode,
  ...e,
}));

export const FINDING_CODES: readonly FindingCode[] = CATALOGUE.map((e) => e.code);

export function explain(code: string): CatalogueEntry | undefined {
  const wanted = code.trim().toUpperCase().replace(/-/g, '_');
  return CATALOGUE.find((e) => e.code === wanted);
}
