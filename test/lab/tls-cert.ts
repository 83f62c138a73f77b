import { join } from 'node:path';
import { run } from './lab-process.js';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** Key and certificate in one file, as pure-ftpd reads them. */
  combinedFile: string;
}

/**
 * A self-signed certificate for the lab's servers, made with openssl as a server admin would
 * (the probe must report it as untrusted unless told --insecure).
 */
export async function makeSelfSignedCert(dir: string, address: string): Promise<TlsFiles> {
  const certFile = join(dir, 'lab-cert.pem');
  const keyFile = join(dir, 'lab-key.pem');
  const combinedFile = join(dir, 'lab-combined.pem');
  await run([
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-subj',
    '/CN=ftpdoctor-lab',
    '-addext',
    `subjectAltName=IP:${address}`,
  ]);
  await run(['sh', '-c', 'cat "$1" "$2" > "$3" && chmod 600 "$1" "$3"', 'sh', keyFile, certFile, combinedFile]);
  return { certFile, keyFile, combinedFile };
}
