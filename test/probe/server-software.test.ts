import { describe, expect, it } from 'vitest';
import { identifyServerSoftware } from '../../src/probe/server-software.js';

/**
 * Texts as the servers send them: FEAT replies from the lab's recorded fixtures (vsftpd, proftpd,
 * pure-ftpd, the reference server) under a banner that names nothing, pyftpdlib 1.5.7 as run on loopback, and the default
 * banners and SYST replies named in the classifier's sources.
 */

const VSFTPD_FEAT =
  '211-Features:\n AUTH TLS\n EPRT\n EPSV\n MDTM\n PASV\n PBSZ\n PROT\n REST STREAM\n SIZE\n TVFS\n211 End';
const PROFTPD_FEAT =
  '211-Features:\n AUTH TLS\n CCC\n CLNT\n CSID\n EPRT\n EPSV\n HOST\n LANG C.UTF-8*\n MDTM\n MFF modify;UNIX.group;UNIX.mode;\n MFMT\n PBSZ\n PROT\n RANG STREAM\n REST STREAM\n SIZE\n SSCN\n TVFS\n UTF8\n211 End';
const PURE_FTPD_FEAT =
  '211-Extensions supported:\n UTF8\n EPRT\n IDLE\n MDTM\n SIZE\n MFMT\n REST STREAM\n MLSD\n PRET\n AUTH TLS\n PBSZ\n PROT\n TVFS\n ESTA\n PASV\n EPSV\n ESTP\n211 End.';
const PYFTPDLIB_FEAT =
  '211-Features supported:\n EPRT\n EPSV\n MDTM\n MFMT\n MLST type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;\n REST STREAM\n SIZE\n TVFS\n UTF8\n211 End FEAT.';
const REFERENCE_FEAT =
  '211-Features:\n AUTH TLS\n EPRT\n EPSV\n MDTM\n MLST type*;size*;modify*;perm*;\n PASV\n PBSZ\n PROT\n REST STREAM\n SIZE\n TVFS\n UTF8\n FTPDOCTOR PEER;LASTPORT;LASTPASV;SWEEP\n211 End';
const UNIX = '215 UNIX Type: L8';

describe('which server software answered', () => {
  it.each([
    ['vsftpd default banner', { greeting: '220 (vsFTPd 3.0.3)', syst: UNIX }, 'vsftpd', '3.0.3', 'named'],
    [
      'proftpd default ServerIdent',
      { greeting: '220 ProFTPD 1.3.8 Server (Debian) [::ffff:10.0.0.1]' },
      'proftpd',
      '1.3.8',
      'named',
    ],
    [
      'pure-ftpd banner',
      {
        greeting:
          '220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------\n220 You will be disconnected after 15 minutes of inactivity.',
      },
      'pure-ftpd',
      undefined,
      'named',
    ],
    [
      'pyftpdlib default banner',
      { greeting: '220 pyftpdlib 1.5.7 ready.', feat: PYFTPDLIB_FEAT },
      'pyftpdlib',
      '1.5.7',
      'named',
    ],
    [
      'FileZilla Server greeting',
      { greeting: '220-FileZilla Server 1.8.2\n220 Please visit https://filezilla-project.org/' },
      'filezilla-server',
      '1.8.2',
      'named',
    ],
    [
      'FileZilla Server SYST, custom banner',
      { greeting: '220 Welcome', syst: '215 UNIX emulated by FileZilla.' },
      'filezilla-server',
      undefined,
      'named',
    ],
    [
      'IIS default banner',
      { greeting: '220 Microsoft FTP Service', syst: '215 Windows_NT' },
      'iis',
      undefined,
      'named',
    ],
    ['IIS with its banner suppressed', { greeting: '220 ', syst: '215 Windows_NT' }, 'iis', undefined, 'named'],
    [
      'reference server',
      { greeting: '220 ftpdoctor reference server ready', feat: REFERENCE_FEAT },
      'ftpdoctor-reference',
      undefined,
      'named',
    ],
    [
      'vsftpd with a custom banner (FEAT only)',
      { greeting: '220 Welcome', syst: UNIX, feat: VSFTPD_FEAT },
      'vsftpd',
      undefined,
      'inferred',
    ],
    [
      'proftpd with a custom banner (FEAT only)',
      { greeting: '220 Welcome', syst: UNIX, feat: PROFTPD_FEAT },
      'proftpd',
      undefined,
      'inferred',
    ],
    [
      'pure-ftpd with a custom banner (FEAT only)',
      { greeting: '220 Hello', syst: UNIX, feat: PURE_FTPD_FEAT },
      'pure-ftpd',
      undefined,
      'inferred',
    ],
    [
      'pyftpdlib with a custom banner (FEAT only)',
      { greeting: '220 Files here', syst: UNIX, feat: PYFTPDLIB_FEAT },
      'pyftpdlib',
      undefined,
      'inferred',
    ],
  ] as const)('%s', (_name, said, name, version, confidence) => {
    const software = identifyServerSoftware(said);
    expect(software?.name).toBe(name);
    expect(software?.version).toBe(version);
    expect(software?.confidence).toBe(confidence);
    expect(software?.evidence.length).toBe(1);
  });

  it('quotes the line that named the server', () => {
    expect(identifyServerSoftware({ greeting: '220-Hello\n220-FileZilla Server 1.8.2\n220 bye' })?.evidence).toEqual([
      'greeting: 220-FileZilla Server 1.8.2',
    ]);
  });

  it('names nothing it cannot tell: a custom banner and a common FEAT list', () => {
    expect(
      identifyServerSoftware({
        greeting: '220 Welcome',
        syst: UNIX,
        feat: '211-Features:\n EPSV\n MLST type*;\n211 End',
      }),
    ).toBeUndefined();
    expect(identifyServerSoftware({})).toBeUndefined();
  });
});
