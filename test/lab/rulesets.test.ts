import { afterEach, beforeAll, expect, it } from 'vitest';
import { curlFtp } from './curl-client.js';
import { labDescribe, useLab } from './lab-suite.js';
import { PASSIVE_RANGE, type LabServer } from './lab-server.js';
import { LAB_ADDRESSES, type Lab } from './netns.js';
import { blockRuleset, ftpHelperStatefulRuleset } from './rulesets.js';
import { startVsftpd } from './servers/vsftpd.js';
import { makeSelfSignedCert, type TlsFiles } from './tls-cert.js';

/** vsftpd with TLS on a self-signed certificate, started once for the enclosing block and stopped after it. */
function useVsftpd(lab: () => Lab): () => LabServer {
  let server: LabServer | undefined;
  beforeAll(async () => {
    const tls = await makeSelfSignedCert(lab().dir, lab().target);
    const started = await startVsftpd(lab(), { tls });
    server = started;
    return () => started.stop();
  });
  return () => {
    if (!server) throw new Error('vsftpd is not started yet: use the server inside a test');
    return server;
  };
}

/**
 * The lab's rules do to a real client (curl) what the scenarios claim they do, before ftpdoctor's
 * verdicts are compared with them. vsftpd is the server: it is installed with the system.
 */
labDescribe('lab firewall rules as curl sees them', () => {
  labDescribe('routed: client — router — server', () => {
    const lab = useLab({ label: 'rules' });
    const server = useVsftpd(lab);
    afterEach(async () => {
      await lab().clearRules('router');
      await lab().clearRules('client');
    });

    it('without rules, a passive listing works', async () => {
      expect((await curlFtp(lab(), server())).stdout).toContain(server().file.name);
    });

    it.each([
      ['drop', /timed out|Connection timeout|Failed to connect/i],
      ['reset', /Connection refused|Couldn't connect/i],
      ['icmp-admin', /No route to host|Couldn't connect/i],
    ] as const)('the passive range %s on the router fails the data connection only', async (action, message) => {
      await lab().loadRules(
        'router',
        blockRuleset('forward', [{ ports: [PASSIVE_RANGE], action, daddr: lab().target }]),
      );
      const r = await curlFtp(lab(), server(), { connectTimeout: 2, verbose: true });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/< 230 /);
      expect(r.stderr).toMatch(message);
    });

    it("the client's own OUTPUT rule dropping the range fails the data connection", async () => {
      await lab().loadRules(
        'client',
        blockRuleset('output', [{ ports: [PASSIVE_RANGE], action: 'drop', daddr: lab().target }]),
      );
      const r = await curlFtp(lab(), server(), { connectTimeout: 2, verbose: true });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/< 230 /);
    });

    it('the control port dropped on the router fails the control connection', async () => {
      await lab().loadRules(
        'router',
        blockRuleset('forward', [{ ports: [[21, 21]], action: 'drop', daddr: lab().target }]),
      );
      const r = await curlFtp(lab(), server(), { connectTimeout: 2 });
      expect(r.code).toBe(28);
    });

    it('an inbound active port dropped on the router fails active mode, passive still works', async () => {
      await lab().loadRules(
        'router',
        blockRuleset('forward', [
          { ports: [[50000, 50000]], action: 'drop', daddr: LAB_ADDRESSES.client, newOnly: true },
        ]),
      );
      expect((await curlFtp(lab(), server(), { activePort: 50000, connectTimeout: 2, maxTime: 3 })).code).not.toBe(0);
      expect((await curlFtp(lab(), server())).stdout).toContain(server().file.name);
    });
  });

  labDescribe('client behind NAT', () => {
    const lab = useLab({ label: 'cnat', clientNat: true });
    const server = useVsftpd(lab);
    afterEach(async () => {
      await lab().clearRules('router');
    });

    it('without an FTP helper: active mode is refused (PORT names the private address), passive works', async () => {
      const active = await curlFtp(lab(), server(), { activePort: 50000, connectTimeout: 2, verbose: true });
      expect(active.code).not.toBe(0);
      expect(active.stderr).toMatch(/500 Illegal (PORT|EPRT) command/);
      expect((await curlFtp(lab(), server())).stdout).toContain(server().file.name);
    });

    it('with the ftp conntrack helper and a related-only policy: plain works both ways, TLS data is dropped', async () => {
      await lab().loadRules('router', ftpHelperStatefulRuleset('to-client'));
      expect((await curlFtp(lab(), server(), { pasv: true })).stdout).toContain(server().file.name);
      expect((await curlFtp(lab(), server(), { activePort: 50000 })).stdout).toContain(server().file.name);
      const secure = await curlFtp(lab(), server(), { tls: true, pasv: true, connectTimeout: 2, verbose: true });
      expect(secure.code).not.toBe(0);
      expect(secure.stderr).toMatch(/< 230 /);
    });
  });

  labDescribe('server behind a DNAT edge router', () => {
    const lab = useLab({ label: 'snat', serverNat: true });
    let tls: TlsFiles;
    beforeAll(async () => {
      tls = await makeSelfSignedCert(lab().dir, lab().target);
    });

    it.each([
      [undefined, '10,0,50,10'],
      [LAB_ADDRESSES.target, '203,0,113,10'],
    ])('with pasv address %s the 227 reply carries %s', async (pasvAddress, advertised) => {
      const server = await startVsftpd(lab(), { tls, ...(pasvAddress === undefined ? {} : { pasvAddress }) });
      try {
        const r = await curlFtp(lab(), server, { pasv: true, verbose: true });
        expect(r.stderr).toContain(`227 Entering Passive Mode (${advertised},`);
        // curl ignores the 227 address and reuses the control address: it lists either way.
        expect(r.stdout).toContain(server.file.name);
        // The server's own connection back (active mode) leaves through the edge's 1:1 NAT.
        expect((await curlFtp(lab(), server, { activePort: 50000, maxTime: 4 })).stdout).toContain(server.file.name);
      } finally {
        await server.stop();
      }
    });
  });
});
