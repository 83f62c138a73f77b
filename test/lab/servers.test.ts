import { beforeAll, expect, it } from 'vitest';
import { curlFtp } from './curl-client.js';
import { labDescribe, useLab } from './lab-suite.js';
import type { LabServer } from './lab-server.js';
import { pidAlive } from './lab-process.js';
import { ALL_SERVERS, launchers, serverMissing } from './servers/launchers.js';
import { makeSelfSignedCert, type TlsFiles } from './tls-cert.js';

/** Each server, started in the server namespace with its lab config, works for curl through the router. */
labDescribe('lab FTP servers answer curl through the router', () => {
  const lab = useLab({ label: 'srv' });
  let tls: TlsFiles;
  beforeAll(async () => {
    tls = await makeSelfSignedCert(lab().dir, lab().target);
  });

  for (const kind of ALL_SERVERS) {
    const missing = serverMissing(kind);
    const suite = missing === undefined ? it : it.skip;
    const name = `${kind}: passive (EPSV and PASV), active, ${kind === 'pyftpdlib' ? '' : 'explicit FTPS list, '}exact file content${missing === undefined ? '' : ` (skipped: ${missing})`}`;
    suite(name, async () => {
      const server: LabServer = await launchers[kind](lab(), { tls });
      try {
        const listing = await curlFtp(lab(), server);
        expect(listing.stderr).toBe('');
        expect(listing.stdout).toContain(server.file.name);
        const pasv = await curlFtp(lab(), server, { pasv: true });
        expect(pasv.stdout).toContain(server.file.name);
        const active = await curlFtp(lab(), server, { activePort: 50000 });
        expect(active.stdout).toContain(server.file.name);
        // curl 7.88 starts TLS on a data connection as soon as it connects; pyftpdlib closes a data
        // connection that carries bytes before it processed the transfer command (DTPHandler.readable),
        // so curl cannot list over FTPS from pyftpdlib (measured: "curl: (35) Recv failure"). ftpdoctor
        // waits for the 1xx first; the scenarios check pyftpdlib's FTPS through it.
        if (kind !== 'pyftpdlib') {
          const secure = await curlFtp(lab(), server, { tls: true });
          expect(secure.stderr).toBe('');
          expect(secure.stdout).toContain(server.file.name);
        }
        const file = await curlFtp(lab(), server, { path: `/${server.file.name}` });
        expect(file.stdout).toBe(server.file.content);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- ${kind} output:\n${server.process.log.slice(-2000)}`, {
          cause: err,
        });
      } finally {
        await server.stop();
      }
      expect(pidAlive(server.process.pid)).toBe(false);
    });
  }
});
