import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { Finding } from '../../src/diagnosis/finding.js';
import type { ObservationLog, ServerSoftware } from '../../src/observation/index.js';
import { identifyServerSoftware } from '../../src/probe/server-software.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/plain-text.js';
import { buildReport } from '../../src/report/report.js';
import { schemaErrors } from '../report/report-schema.js';
import { CASES } from './cases.js';
import { activeRefused, clearLog, mutate, pasvElsewhere, SERVER } from './observation-factory.js';

/** Server-specific advice follows the server software that answered, and names every common one when unknown. */

const PYFTPDLIB = identifyServerSoftware({ greeting: '220 pyftpdlib 1.5.7 ready.' })!;
const IIS = identifyServerSoftware({ greeting: '220 Microsoft FTP Service' })!;
const PURE_FTPD = identifyServerSoftware({
  greeting: '220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------',
})!;
const VSFTPD = identifyServerSoftware({ greeting: '220 (vsFTPd 3.0.3)' })!;

function withSoftware(log: ObservationLog, software: ServerSoftware | undefined): ObservationLog {
  return mutate(log, (l) => {
    if (software) l.serverSoftware = software;
    else delete l.serverSoftware;
  });
}

function findingOf(log: ObservationLog, code: string): Finding {
  const f = diagnose(log, { require: ['passive'] }).findings.find((x) => x.code === code);
  if (!f) throw new Error(`no ${code}`);
  return f;
}

const privatePasv = mutate(clearLog(), (l) => {
  l.passive = [pasvElsewhere('10.0.0.5', 60100, 'open')];
});

function caseLog(code: string): ObservationLog {
  return CASES.find((c) => c.codes.length === 1 && c.codes[0] === code && c.name.includes('reuse'))!.log;
}

describe('server-specific advice', () => {
  it('PASV_PRIVATE_ADDRESS on pyftpdlib names masquerade_address and no other server', () => {
    const f = findingOf(withSoftware(privatePasv, PYFTPDLIB), 'PASV_PRIVATE_ADDRESS');
    const text = [...f.fix, ...f.examples.map((e) => e.text)].join('\n');
    expect(text).toContain(`handler.masquerade_address = '${SERVER}'`);
    expect(text).not.toMatch(/pasv_address|MasqueradeAddress|pure-ftpd/);
  });

  it('PASV_PRIVATE_ADDRESS on IIS names its firewall support setting', () => {
    const f = findingOf(withSoftware(privatePasv, IIS), 'PASV_PRIVATE_ADDRESS');
    expect(f.fix.join('\n')).toContain('externalIp4Address');
    expect(f.examples.map((e) => e.text).join('\n')).toContain(`firewallSupport.externalIp4Address:${SERVER}`);
  });

  it('names the setting in every common server when the software is unknown', () => {
    const f = findingOf(withSoftware(privatePasv, undefined), 'PASV_PRIVATE_ADDRESS');
    const fix = f.fix.join('\n');
    for (const setting of [
      `pasv_address=${SERVER}`,
      `MasqueradeAddress ${SERVER}`,
      `pure-ftpd -P ${SERVER}`,
      'masquerade_address',
      'FileZilla Server',
      'externalIp4Address',
    ])
      expect(fix).toContain(setting);
  });

  it('TLS_SESSION_REUSE_REQUIRED: only servers with a switch get the "relax it" advice', () => {
    const reuse = caseLog('TLS_SESSION_REUSE_REQUIRED');
    const onVsftpd = findingOf(withSoftware(reuse, VSFTPD), 'TLS_SESSION_REUSE_REQUIRED');
    expect(onVsftpd.fix.join('\n')).toContain('require_ssl_reuse=NO');
    expect(onVsftpd.fix.join('\n')).not.toContain('NoSessionReuseRequired');
    const onPure = findingOf(withSoftware(reuse, PURE_FTPD), 'TLS_SESSION_REUSE_REQUIRED');
    expect(onPure.fix.join('\n')).not.toMatch(/relax/);
    expect(onPure.examples).toEqual([]);
  });

  it('a refused PORT on pyftpdlib points at permit_foreign_addresses', () => {
    const log = mutate(clearLog(), (l) => {
      l.active = [activeRefused('PORT command not allowed.')];
      l.serverSoftware = PYFTPDLIB;
    });
    expect(findingOf(log, 'ACTIVE_INBOUND_BLOCKED').fix.join('\n')).toContain('permit_foreign_addresses');
  });
});

describe('the report names the server software', () => {
  it('in JSON (schema-valid), text and Markdown', () => {
    const log = withSoftware(privatePasv, PYFTPDLIB);
    const report = buildReport(log, diagnose(log, { require: ['passive'] }), {
      argv: ['check', 'x'],
      version: '0.1.0',
    });
    expect(schemaErrors(report)).toBe('');
    expect(report.target.software).toMatchObject({ name: 'pyftpdlib', label: 'pyftpdlib', version: '1.5.7' });
    const software = 'pyftpdlib 1.5.7 (greeting: 220 pyftpdlib 1.5.7 ready.)';
    expect(renderText(report)).toMatch(new RegExp(`^Server: +${software.replace(/[().]/g, '\\$&')}$`, 'm'));
    expect(renderMarkdown(report)).toContain(`- Server: ${software}`);
  });

  it('says so when the software was not recognised', () => {
    const report = buildReport(privatePasv, diagnose(privatePasv, { require: ['passive'] }), {
      argv: ['check', 'x'],
      version: '0.1.0',
    });
    expect(report.target.software).toBeUndefined();
    expect(renderText(report)).toMatch(/^Server: +not recognised from its greeting, SYST and FEAT$/m);
  });
});
