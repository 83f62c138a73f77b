/**
 * Where each client behaviour in client-compatibility.ts comes from: the client's documentation or
 * source, quoted closely enough to find it again.
 */
export const SOURCES = {
  filezillaPasv:
    'FileZilla source, engine FTP control socket, ParsePasvResponse: "Server sent passive reply with unroutable address. Using server address instead." (OPTION_PASVREPLYFALLBACKMODE; falls back to active mode when set so)',
  filezillaNet:
    'FileZilla wiki, Network Configuration: passive mode is the default and recommended mode; FileZilla source, FTP settings page: "Allow fallback to other transfer mode on failure" (OPTION_ALLOW_TRANSFERMODEFALLBACK, on by default)',
  filezillaReuse:
    "FileZilla source, engine CTransferSocket: the data connection's TLS handshake is started with the control connection's session parameters (tls_layer client_handshake(…, get_session_parameters(), …)), i.e. it resumes the control session",
  winscpMode:
    'WinSCP documentation, Connection page (ui_login_connection): "Passive mode is selected by default. WinSCP will try the other mode, if the selected mode does not work."',
  winscpPasv:
    'WinSCP source, source/filezilla/FtpControlSocket.cpp CheckForcePasvIp and source/core/SessionData.cpp: "Force IP address for passive mode connections" defaults to Auto, which replaces an unroutable 227 address with the server\'s; On always uses the server\'s',
  winscpReuse:
    'WinSCP source, source/core/SessionData.cpp: SslSessionReuse = true ("Reuse TLS session ID for data connections")',
  curlSkip:
    'curl documentation, --ftp-skip-pasv-ip / CURLOPT_FTP_SKIP_PASV_IP: enabled by default since 7.74.0; the control address is used with the 227 port',
  curlMode: 'curl documentation, --ftp-pasv (default) and --ftp-port/-P for active mode; EPSV is tried before PASV',
  curlReuse:
    'curl documentation, CURLOPT_SSL_SESSIONID_CACHE: session-ID caching is on by default; measured in test/server/curl-client.test.ts: curl lists from the reference server with --require-tls-reuse, and gets no data with --no-sessionid',
  lftpFix:
    'lftp(1), ftp:fix-pasv-address (default true): a private 227 address from a public server is replaced by the server address',
  lftpReuse:
    'lftp issue #112 (lavv17/lftp): TLS session resumption with GnuTLS fixed after vsftpd "522 session reuse required" failures (lftp ≥ 4.6.1); measured in test/server/lftp-client.test.ts: Debian\'s lftp lists over FTPS from the reference server with reuse required',
  winftp:
    'Microsoft, Windows Server command reference "ftp": the subcommands have no passive mode and no TLS (AUTH); quote/literal only send a raw command',
  winStateful:
    'Microsoft, netsh advfirewall set global StatefulFTP (on by default): Windows Firewall admits active-mode data flows for plain FTP only',
  dotnetPasv:
    '.NET source, System.Net FtpControlStream: the passive endpoint is new IPEndPoint(ServerAddress, port) — the 227 address is ignored; FtpWebRequest.UsePassive defaults to true',
  dotnetReuse:
    'FluentFTP issues #236, #1283 (vsftpd "522 SSL connection failed; session reuse required"): .NET SslStream does not resume the control session; the FluentFTP.GnuTLS stream does',
  javaMode:
    'Apache Commons Net FTPClient javadoc: ACTIVE_LOCAL_DATA_CONNECTION_MODE is the default; enterLocalPassiveMode() switches to passive',
  javaNat:
    'Apache Commons Net FTPClient.NatServerResolverImpl (since 3.6, the default): site-local PASV reply addresses are replaced by the server address',
  javaReuse:
    'Apache Commons Net NET-408; apache/commons-net PRs #321, #395 and iterate-ch/cyberduck PR #18399: JSSE keys resumable sessions by host:port and has no API to resume the control session on the data socket, so stock FTPSClient fails where reuse is required',
  curlSchannel:
    'curl issue #22225 (curl built with Schannel, FileZilla Server requiring resumption: "SChannel doesn\'t seem to handle session resumption well in TLS 1.3", capped at TLS 1.2); curl issue #4654 (vsftpd "522 session reuse required" under TLS 1.3, works with --tls-max 1.2)',
  nodeReuse:
    'basic-ftp issues #60 (TLS 1.3 ticket-based resumption: "425 Unable to build data connection: Operation not permitted" from ProFTPD) and #282 (Node ≥ 24.17 binds reusable sessions to the authenticated host: FileZilla Server "TLS session of data connection not resumed", fixed by PR #283); FireFTP issue #178 (no session reuse)',
  browser:
    'chromestatus.com feature 6246151319715840 (FTP disabled in Chrome 88, removed in 95); Mozilla: built-in FTP removed in Firefox 90',
} as const;
