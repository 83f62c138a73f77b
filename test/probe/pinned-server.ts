import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { startServer, type RunningServer } from '../../src/server/index.js';

/**
 * The reference server on loopback with one account and a self-signed certificate made here, so a
 * test knows the certificate's SHA-256 fingerprint independently of the probe that reads it.
 */
export async function startPinnedServer(opts: {
  commonName: string;
  user: string;
  password: string;
  pasvRange: [number, number];
}): Promise<{ server: RunningServer; fingerprint: string }> {
  const pem = await generate([{ name: 'commonName', value: opts.commonName }], { keyType: 'ec', algorithm: 'sha256' });
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    pasvRange: opts.pasvRange,
    activeSourcePort: 0,
    user: opts.user,
    password: opts.password,
    anonymous: false,
    tlsCert: pem.cert,
    tlsKey: pem.private,
  });
  return { server, fingerprint: new X509Certificate(pem.cert).fingerprint256 };
}

/** A fingerprint of no certificate in the tests: what a pin from the wrong e-mail looks like. */
export const OTHER_FINGERPRINT = Array.from({ length: 32 }, () => 'AB').join(':');
