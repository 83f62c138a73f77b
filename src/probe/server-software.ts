import type { ServerSoftware, ServerSoftwareName } from '../observation/index.js';
/**
 * Which FTP server software answered, from what it says about itself: the greeting (220), the SYST
 * reply (215) and the shape of the FEAT reply (211, RFC 2389 §3.2). Admins may change a banner, so
 * a name in the greeting or SYST is "named" and a FEAT shape alone is "inferred"; nothing here is
 * certain enough to change a verdict, only which server's settings the advice names.
 */

export interface ServerSelfDescription {
  greeting?: string | undefined;
  syst?: string | undefined;
  feat?: string | undefined;
}

interface NamedPattern {
  name: ServerSoftwareName;
  source: 'greeting' | 'syst';
  pattern: RegExp;
}

/**
 * Names in banners and SYST replies, each from the server's own source or documentation:
 * vsftpd's default banner "(vsFTPd 3.0.3)" (its binary's string table); proftpd's ServerIdent
 * default "ProFTPD Server (name) [address]"; pure-ftpd's "Welcome to Pure-FTPd [privsep] [TLS]";
 * pyftpdlib's FTPHandler.banner "pyftpdlib %s ready." (handlers.py); FileZilla Server's greeting
 * "FileZilla Server <version>" and SYST "UNIX emulated by FileZilla."; IIS's default banner
 * "Microsoft FTP Service" (the one its messages/suppressDefaultBanner setting hides) and SYST
 * "Windows_NT"; the reference server's own greeting (src/server/session.ts).
 */
const NAMED: NamedPattern[] = [
  { name: 'ftpdoctor-reference', source: 'greeting', pattern: /ftpdoctor reference server/i },
  { name: 'vsftpd', source: 'greeting', pattern: /\bvsFTPd(?:\s+(\d[\w.]*))?/i },
  { name: 'proftpd', source: 'greeting', pattern: /\bProFTPD(?:\s+(\d[\w.]*))?/i },
  { name: 'pure-ftpd', source: 'greeting', pattern: /\bPure-?FTPd\b/i },
  { name: 'pyftpdlib', source: 'greeting', pattern: /\bpyftpdlib(?:\s+(\d[\w.]*))?/i },
  { name: 'filezilla-server', source: 'greeting', pattern: /\bFileZilla Server(?:\s+(?:version\s+)?(\d[\w.]*))?/i },
  { name: 'filezilla-server', source: 'syst', pattern: /emulated by FileZilla/i },
  { name: 'iis', source: 'greeting', pattern: /\bMicrosoft FTP Service\b/i },
  { name: 'iis', source: 'syst', pattern: /^215 Windows_NT\b/i },
];

/** The FEAT lines between the first and the last line, trimmed, upper case. */
function featureSet(feat: string): { first: string; last: string; features: Set<string> } {
  const lines = feat.split('\n');
  return {
    first: lines[0]?.trim() ?? '',
    last: lines.at(-1)?.trim() ?? '',
    features: new Set(lines.slice(1, -1).map((l) => l.trim().toUpperCase())),
  };
}

/** What vsftpd 3.0 can list in FEAT (its features.c); it is also one of the few servers that lists PASV. */
const VSFTPD_FEATURES = new Set([
  'AUTH SSL',
  'AUTH TLS',
  'EPRT',
  'EPSV',
  'MDTM',
  'PASV',
  'PBSZ',
  'PROT',
  'REST STREAM',
  'SIZE',
  'TVFS',
  'UTF8',
]);

/**
 * FEAT shapes, for servers whose banner was changed: the reference server's FTPDOCTOR extension;
 * pure-ftpd's "211-Extensions supported:" with its own ESTA/ESTP; pyftpdlib's "211-Features
 * supported:" … "211 End FEAT." (handlers.py ftp_FEAT); proftpd's own extensions (SSCN from mod_tls,
 * RANG, CSID); vsftpd's short fixed list with PASV.
 */
function inferFromFeat(feat: string): { name: ServerSoftwareName; why: string } | undefined {
  const { first, last, features } = featureSet(feat);
  if ([...features].some((f) => f.startsWith('FTPDOCTOR'))) return { name: 'ftpdoctor-reference', why: 'FTPDOCTOR' };
  if (/^211-Extensions supported:/i.test(first) && features.has('ESTA') && features.has('ESTP'))
    return { name: 'pure-ftpd', why: `${first} … ESTA, ESTP` };
  if (/^211-Features supported:/i.test(first) && /^211 End FEAT\.$/i.test(last))
    return { name: 'pyftpdlib', why: `${first} … ${last}` };
  const proftpd = ['SSCN', 'CSID', 'RANG STREAM'].filter((f) => features.has(f));
  if (proftpd.length > 0) return { name: 'proftpd', why: proftpd.join(', ') };
  if (/^211-Features:$/i.test(first) && features.has('PASV') && [...features].every((f) => VSFTPD_FEATURES.has(f)))
    return { name: 'vsftpd', why: `${first} ${[...features].join(', ')}` };
  return undefined;
}

export function identifyServerSoftware(said: ServerSelfDescription): ServerSoftware | undefined {
  for (const { name, source, pattern } of NAMED) {
    const text = source === 'greeting' ? said.greeting : said.syst;
    const match = text === undefined ? null : pattern.exec(text);
    if (!match) continue;
    const line = text!.split('\n').find((l) => pattern.test(l)) ?? text!.split('\n')[0]!;
    return {
      name,
      ...(match[1] ? { version: match[1].replace(/\.$/, '') } : {}),
      confidence: 'named',
      evidence: [`${source === 'greeting' ? 'greeting' : 'SYST'}: ${line.trim()}`],
    };
  }
  if (said.feat === undefined) return undefined;
  const inferred = inferFromFeat(said.feat);
  return inferred ? { name: inferred.name, confidence: 'inferred', evidence: [`FEAT: ${inferred.why}`] } : undefined;
}
