import { createSecureContext, Server as TlsServer, TLSSocket, type SecureContext } from 'node:tls';
import type { Socket } from 'node:net';

/**
 * The server's TLS identity (RFC 4217): one certificate and one SecureContext shared by the control
 * connection, every data connection and the implicit-FTPS listener. Sharing it is what lets a data
 * connection resume the control connection's session: TLS 1.3 tickets are sealed with the context's
 * ticket keys, and TLS 1.2 session ids are kept in the small cache below.
 */
export interface TlsIdentity {
  /** SHA-256 fingerprint of the certificate, for the startup line. */
  fingerprint: string;
  selfSigned: boolean;
  /** Starts the server side of a TLS handshake on an accepted socket. */
  wrap(socket: Socket): TLSSocket;
}

const SESSION_CACHE_SIZE = 4096;

export async function createTlsIdentity(cert?: string, key?: string): Promise<TlsIdentity> {
  let pem = cert !== undefined && key !== undefined ? { cert, key } : undefined;
  const selfSigned = pem === undefined;
  if (!pem) {
    // Loaded only when a certificate is made: selfsigned's crypto stack costs every other start.
    const { generate } = await import('selfsigned');
    const generated = await generate([{ name: 'commonName', value: 'ftpdoctor reference server' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    pem = { cert: generated.cert, key: generated.private };
  }
  const secureContext: SecureContext = createSecureContext({ cert: pem.cert, key: pem.key });
  const { X509Certificate } = await import('node:crypto');
  const fingerprint = new X509Certificate(pem.cert).fingerprint256;

  // Never listens: it only carries the TLS 1.2 session-id cache events for the wrapped sockets.
  const sessionHolder = new TlsServer();
  const sessions = new Map<string, Buffer>();
  sessionHolder.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    if (sessions.size >= SESSION_CACHE_SIZE) sessions.delete(sessions.keys().next().value as string);
    sessions.set(id.toString('hex'), data);
    done();
  });
  sessionHolder.on('resumeSession', (id: Buffer, done: (err: Error | null, data?: Buffer | null) => void) => {
    done(null, sessions.get(id.toString('hex')) ?? null);
  });

  return {
    fingerprint,
    selfSigned,
    wrap(socket) {
      return new TLSSocket(socket, { isServer: true, secureContext, server: sessionHolder });
    },
  };
}
