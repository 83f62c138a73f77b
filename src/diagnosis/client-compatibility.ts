import type { ObservationLog } from '../observation/index.js';
import { passiveHang, type PassiveHang } from './passive-hang.js';
import { SOURCES } from './client-sources.js';
import { JAVA_TLS12_WORKAROUND, reuseByVersion, schannelNote, type ReuseByVersion } from './client-tls-versions.js';
import type { ChannelStatus, Diagnosis, FindingCode } from './finding.js';

/**
 * "Will my client work?" The same server and network give different results in different clients,
 * because clients differ in four ways that the check observes: which data mode they use (and whether
 * they fall back to the other one), whether they follow the address in a 227 reply, whether they
 * speak TLS, and whether their data connections resume the control connection's TLS session. Each
 * client's behaviour below is taken from its documentation or source and cited where it is encoded.
 * Pure: the observation log and its diagnosis in, one verdict per client out.
 */

export type ClientId = 'filezilla' | 'winscp' | 'curl' | 'lftp' | 'windows-ftp' | 'dotnet' | 'java' | 'browser';

/** works / works with a setting (named) / works only sometimes (part of the passive range blocked) / will not work. */
export type ClientOutcome = 'works' | 'works-with-setting' | 'unreliable' | 'will-not-work' | 'unknown';

export interface ClientVerdict {
  client: ClientId;
  name: string;
  outcome: ClientOutcome;
  /** The setting that makes it work, in the client's own words. */
  setting?: string;
  why: string;
  /** Where the client's behaviour that this verdict rests on is documented. */
  sources: string[];
}

/**
 * Passive-mode servers pick each data port at random from their range (field notes: 6–7 of 10
 * transfers succeed with 54% of the range open), so the share of blocked ports is the share of
 * transfers that hang, and a retry succeeds by chance.
 */

export interface ClientCompatibility {
  clients: ClientVerdict[];
  passiveHang?: PassiveHang;
}

/** What the check established, reduced to the facts the client rules read. */
interface Facts {
  /** Control and login work, so data channels are what decides. */
  reachable: boolean;
  whyNot?: string;
  passive: ChannelStatus;
  active: ChannelStatus;
  tlsUsed: boolean;
  implicitTls: boolean;
  reuseRequired: boolean;
  tlsBreaksAlg: boolean;
  /** The 227 reply names another address than the control connection's; whether the control address was tested and works. */
  pasvAddressOdd?: { address: string; kind: 'private' | 'public'; workaroundWorks: boolean };
  /** Active data connections with clear data (PROT C or no TLS): all worked, some failed, or none tried. */
  activeClearData: 'ok' | 'failed' | 'untested';
  /** EPSV is blocked where PASV works. */
  epsvOnly: boolean;
  /** A protected data connection that did not resume the session worked: the server does not demand reuse. */
  reuseNotRequired: boolean;
  versions: ReuseByVersion;
  hang?: PassiveHang;
}

const has = (d: Diagnosis, code: FindingCode): boolean => d.findings.some((f) => f.code === code);

function factsOf(log: ObservationLog, d: Diagnosis): Facts {
  const control = d.channels.control;
  const loginRefused = log.login !== undefined && !log.login.ok;
  // Partial: the checked address works and others of the service do not (ADDRESS_SUBSET_BLOCKED says so).
  const reachable = (control.status === 'ok' || control.status === 'partial') && !loginRefused;
  const whyNot = !reachable
    ? loginRefused
      ? 'the login was refused: no client gets further with these credentials'
      : `the control connection does not work (${control.summary})`
    : undefined;
  const odd = d.findings.find((f) => f.code === 'PASV_PRIVATE_ADDRESS' || f.code === 'PASV_ADDRESS_MISMATCH');
  const passiveStatus = d.channels.passive.status;
  return {
    reachable,
    ...(whyNot ? { whyNot } : {}),
    passive: passiveStatus,
    active: d.channels.active.status,
    tlsUsed: log.tls?.established === true,
    implicitTls: log.settings.tls === 'implicit',
    reuseRequired: has(d, 'TLS_SESSION_REUSE_REQUIRED'),
    tlsBreaksAlg: has(d, 'TLS_BREAKS_ALG'),
    ...(odd ? { pasvAddressOdd: oddAddress(log, odd.code === 'PASV_PRIVATE_ADDRESS', odd.severity !== 'error') } : {}),
    epsvOnly: has(d, 'EPSV_BLOCKED_PASV_OK'),
    activeClearData: clearActive(log),
    reuseNotRequired: [...log.passive, ...(log.tlsReuse ? [log.tlsReuse.fresh] : [])].some((p) =>
      p.connections.some(
        (c) => c.tls?.ok === true && c.tls.sessionReused === false && c.transfer?.result === 'complete',
      ),
    ),
    versions: reuseByVersion(log),
    ...(passiveStatus === 'partial' ? withHang(passiveHang(log)) : {}),
  };
}

function clearActive(log: ObservationLog): Facts['activeClearData'] {
  const clear = log.active.filter((a) => a.protection === 'clear' && a.outcome !== 'aborted');
  if (clear.length === 0) return 'untested';
  return clear.every((a) => a.outcome === 'ok') ? 'ok' : 'failed';
}

function oddAddress(log: ObservationLog, isPrivate: boolean, workaroundWorks: boolean): Facts['pasvAddressOdd'] {
  const named = log.passive.find((p) => p.command === 'PASV' && p.advertised && p.advertised.address !== p.controlPeer);
  return {
    address: named?.advertised?.address ?? 'another address',
    kind: isPrivate ? 'private' : 'public',
    workaroundWorks,
  };
}

const withHang = (hang: PassiveHang | undefined): { hang?: PassiveHang } => (hang ? { hang } : {});

interface Rule {
  outcome: ClientOutcome;
  why: string;
  setting?: string;
}

const verdict = (outcome: ClientOutcome, why: string, setting?: string): Rule =>
  setting ? { outcome, why, setting } : { outcome, why };

/** How a client treats the address in a 227 reply: always the control address, or only a private one replaced. */
type AddressHandling = 'control-address' | 'replaces-private';

interface PassiveProfile {
  address: AddressHandling;
  /** The setting that makes it use the control address for any 227 address, where it has one. */
  addressSetting?: string;
  /** The client's own switch to active mode after a failed passive connection. */
  fallback?: boolean;
  activeSetting: string;
}

/**
 * The passive channel as this client would see it. The check's own passive connections use the
 * control address (as curl does) and record what the 227 reply named, so an odd address is a
 * problem only for a client that follows it; a blocked part of the range hangs every client alike.
 */
function passiveFor(f: Facts, p: PassiveProfile): Rule {
  const odd = f.pasvAddressOdd;
  if (odd && !f.hang && f.passive === 'partial' && odd.workaroundWorks) {
    if (p.address === 'control-address')
      return verdict('works', 'passive mode works: it connects to the control address, whatever the 227 reply names');
    if (p.address === 'replaces-private' && odd.kind === 'private')
      return verdict(
        'works',
        'passive mode works: it replaces the private address in the 227 reply with the control address',
      );
    return verdict(
      p.addressSetting ? 'works-with-setting' : 'will-not-work',
      `it connects to the address the 227 reply names (${odd.address}), ${odd.kind === 'private' ? 'a private address' : 'which the check did not try (it never connects to a third host unasked)'}; the control address works`,
      p.addressSetting,
    );
  }
  if (f.epsvOnly && !f.hang && f.passive === 'partial')
    return verdict(
      'works',
      'PASV works; EPSV is blocked (a client set to use EPSV on IPv4 has to be set back to PASV)',
    );
  return passiveClient(f, p);
}

/** A passive-mode client: the passive channel's result is its result, with active mode as the way out. */
function passiveClient(f: Facts, p: PassiveProfile): Rule {
  if (f.passive === 'ok') return verdict('works', 'passive mode works');
  if (f.passive === 'partial') {
    const partly = f.hang
      ? `${f.hang.words} will hang (the server picks a random passive port, and ${f.hang.blockedPorts.toLocaleString('en-US')} of ${f.hang.testedPorts.toLocaleString('en-US')} are blocked${f.hang.estimate ? ', estimated from a sample' : ''}); a retry succeeds by chance`
      : 'passive mode only partly works';
    if (f.active === 'ok')
      return verdict(
        'unreliable',
        p.fallback
          ? `${partly}; after a failed passive connection it falls back to active mode, which works here (after a timeout)`
          : `${partly}; active mode works`,
        p.activeSetting,
      );
    return verdict('unreliable', partly);
  }
  if (f.active === 'ok')
    return p.fallback
      ? verdict(
          'works',
          'passive mode does not work, but it falls back to active mode on its own, and active mode works',
        )
      : verdict('works-with-setting', 'passive mode does not work; active mode does', p.activeSetting);
  if (f.passive === 'error' || f.passive === 'skipped')
    return verdict('unknown', `passive mode could not be tested (${f.passive})`);
  return verdict('will-not-work', 'neither passive nor active data connections work');
}

/** TLS rules that decide before the data mode does, for a client that uses TLS. */
function tlsRule(f: Facts, reusesSession: boolean, fix?: string): Rule | undefined {
  if (!f.tlsUsed) return undefined;
  if (f.reuseRequired && !reusesSession)
    return fix
      ? verdict(
          'works-with-setting',
          'the server demands that TLS data connections resume the control session, which this client does not do by default',
          fix,
        )
      : verdict(
          'will-not-work',
          'the server demands that TLS data connections resume the control session, which this client cannot do',
        );
  if (f.tlsBreaksAlg)
    return verdict(
      'will-not-work',
      'data connections fail under TLS: the firewall relies on an FTP helper that cannot read encrypted commands (plain FTP works, but sends the password in clear)',
    );
  return undefined;
}

/** A client that resumes TLS sessions gets through where only the check's own non-resumed data connections were refused. */
function reuseNote(f: Facts, reusesSession: boolean, rule: Rule): Rule {
  if (!f.tlsUsed) return rule;
  if (f.reuseRequired && reusesSession && rule.outcome === 'unreliable' && !f.hang)
    return verdict('works', 'the server demands TLS session reuse on data connections, which this client does');
  if (!reusesSession && !f.reuseRequired && !f.reuseNotRequired && rule.outcome !== 'will-not-work')
    return {
      ...rule,
      why: `${rule.why}; if the server demands TLS session reuse (vsftpd's default), it will not: the check's own data connections resumed the session, so that was not tested`,
    };
  return rule;
}

const PROFILES: Record<'filezilla' | 'winscp' | 'curl' | 'lftp' | 'dotnet' | 'java', PassiveProfile> = {
  filezilla: {
    address: 'replaces-private',
    addressSetting:
      'Edit › Settings › Connection › FTP › Passive mode: "Use the server\'s external IP address instead"',
    fallback: true,
    activeSetting: 'Edit › Settings › Connection › FTP: Transfer Mode "Active"',
  },
  winscp: {
    address: 'replaces-private',
    addressSetting: 'Site settings › Advanced › FTP: "Force IP address for passive mode connections" On',
    fallback: true,
    activeSetting: 'Site settings › Advanced › Connection: untick "Passive mode"',
  },
  curl: { address: 'control-address', activeSetting: 'curl -P - (--ftp-port): active mode' },
  lftp: {
    address: 'replaces-private',
    addressSetting: 'set ftp:ignore-pasv-address yes',
    activeSetting: 'set ftp:passive-mode off',
  },
  dotnet: {
    address: 'control-address',
    activeSetting: 'FtpWebRequest.UsePassive = false (FluentFTP: DataConnectionType = AutoActive)',
  },
  java: { address: 'replaces-private', activeSetting: 'ftp.enterLocalActiveMode()' },
};

function filezilla(f: Facts): Rule {
  return tlsRule(f, true) ?? reuseNote(f, true, passiveFor(f, PROFILES.filezilla));
}

function winscp(f: Facts): Rule {
  return tlsRule(f, true) ?? reuseNote(f, true, passiveFor(f, PROFILES.winscp));
}

function curl(f: Facts): Rule {
  const rule = tlsRule(f, true) ?? reuseNote(f, true, passiveFor(f, PROFILES.curl));
  const schannel = rule.outcome === 'will-not-work' ? undefined : schannelNote(f.versions);
  return schannel ? { ...rule, why: `${rule.why}; ${schannel}` } : rule;
}

function lftp(f: Facts): Rule {
  return tlsRule(f, true) ?? reuseNote(f, true, passiveFor(f, PROFILES.lftp));
}

/** ftp.exe: active mode only, plain FTP only. */
function windowsFtp(f: Facts): Rule {
  if (f.implicitTls) return verdict('will-not-work', 'the server speaks implicit TLS, and ftp.exe has no TLS');
  const plainOnly = f.tlsUsed
    ? '; only if the server accepts plain FTP: ftp.exe has no TLS, so the password crosses the network in clear'
    : '';
  // Under TLS the active channel mixes protected attempts, which ftp.exe never makes, with clear ones.
  if (f.tlsUsed && f.activeClearData === 'ok' && f.active !== 'ok')
    return verdict(
      'works',
      `ftp.exe uses active mode only; active data connections in clear worked (the failures were under TLS, which ftp.exe does not use)${plainOnly}`,
    );
  if (f.active === 'ok') return verdict('works', `ftp.exe uses active mode only, and active mode works${plainOnly}`);
  if (f.active === 'partial')
    return verdict('unreliable', `ftp.exe uses active mode only, which only partly works${plainOnly}`);
  if (f.active === 'error' || f.active === 'skipped')
    return verdict('unknown', `ftp.exe uses active mode only, which could not be tested (${f.active})`);
  return verdict(
    'will-not-work',
    'ftp.exe uses active mode only (it has no passive mode), and active data connections are blocked',
  );
}

function dotnet(f: Facts): Rule {
  return (
    tlsRule(
      f,
      false,
      'FluentFTP with the FluentFTP.GnuTLS package: client.Config.CustomStream = typeof(GnuTlsStream) (FtpWebRequest has no such setting)',
    ) ?? reuseNote(f, false, passiveFor(f, PROFILES.dotnet))
  );
}

function java(f: Facts): Rule {
  const tls = tlsRule(f, false, f.versions.tls12Offered ? JAVA_TLS12_WORKAROUND : undefined);
  if (tls) return tls;
  if (f.active === 'ok')
    return reuseNote(
      f,
      false,
      verdict(
        'works',
        f.passive === 'ok' ? 'active mode (its default) and passive mode both work' : 'its default, active mode, works',
      ),
    );
  const passive = passiveFor(f, PROFILES.java);
  if (passive.outcome === 'works')
    return reuseNote(
      f,
      false,
      verdict(
        'works-with-setting',
        `its default, active mode, does not work here; ${passive.why}`,
        'ftp.enterLocalPassiveMode() after connect',
      ),
    );
  return reuseNote(f, false, passive);
}

function browser(): Rule {
  return verdict('will-not-work', 'current browsers no longer speak FTP at all (Chrome since 88, Firefox since 90)');
}

const CLIENTS: Array<{ client: ClientId; name: string; rule: (f: Facts) => Rule; sources: string[] }> = [
  {
    client: 'filezilla',
    name: 'FileZilla',
    rule: filezilla,
    sources: [SOURCES.filezillaNet, SOURCES.filezillaPasv, SOURCES.filezillaReuse],
  },
  {
    client: 'winscp',
    name: 'WinSCP',
    rule: winscp,
    sources: [SOURCES.winscpMode, SOURCES.winscpPasv, SOURCES.winscpReuse],
  },
  {
    client: 'curl',
    name: 'curl',
    rule: curl,
    sources: [SOURCES.curlMode, SOURCES.curlSkip, SOURCES.curlReuse, SOURCES.curlSchannel],
  },
  { client: 'lftp', name: 'lftp', rule: lftp, sources: [SOURCES.lftpFix, SOURCES.lftpReuse] },
  { client: 'windows-ftp', name: 'Windows ftp.exe', rule: windowsFtp, sources: [SOURCES.winftp, SOURCES.winStateful] },
  {
    client: 'dotnet',
    name: '.NET (FtpWebRequest, FluentFTP)',
    rule: dotnet,
    sources: [SOURCES.dotnetPasv, SOURCES.dotnetReuse],
  },
  {
    client: 'java',
    name: 'Java (Apache Commons Net)',
    rule: java,
    sources: [SOURCES.javaMode, SOURCES.javaNat, SOURCES.javaReuse],
  },
  { client: 'browser', name: 'Web browser (ftp:// link)', rule: browser, sources: [SOURCES.browser] },
];

export function clientCompatibility(log: ObservationLog, diagnosis: Diagnosis): ClientCompatibility {
  const f = factsOf(log, diagnosis);
  const clients = CLIENTS.map(({ client, name, rule, sources }): ClientVerdict => {
    const r: Rule = client === 'browser' ? browser() : f.reachable ? rule(f) : verdict('will-not-work', f.whyNot!);
    return { client, name, outcome: r.outcome, ...(r.setting ? { setting: r.setting } : {}), why: r.why, sources };
  });
  return { clients, ...(f.hang ? { passiveHang: f.hang } : {}) };
}
