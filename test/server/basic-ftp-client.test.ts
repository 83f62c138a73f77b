import { Readable, Writable } from 'node:stream';
import { Client, FTPError } from 'basic-ftp';
import { afterEach, describe, expect, it } from 'vitest';
import { demoBinary } from '../../src/server/index.js';
import { serverPool } from './test-servers.js';

const start = serverPool();
const clients: Client[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function connected(port: number, opts: { secure?: boolean | 'implicit' } = {}): Promise<Client> {
  const client = new Client(5000);
  clients.push(client);
  await client.access({
    host: '127.0.0.1',
    port,
    user: 'anonymous',
    password: 'probe@example.org',
    secure: opts.secure ?? false,
    secureOptions: { rejectUnauthorized: false },
  });
  return client;
}

async function download(client: Client, path: string, startAt = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      chunks.push(chunk);
      done();
    },
  });
  await client.downloadTo(sink, path, startAt);
  return Buffer.concat(chunks);
}

async function replyCode(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 0;
  } catch (err) {
    if (err instanceof FTPError) return err.code;
    throw err;
  }
}

describe('basic-ftp against the reference server', () => {
  it('logs in, lists with MLSD and downloads byte-exact', async () => {
    const s = await start();
    const client = await connected(s.port);
    const list = await client.list('/pub');
    const byName = new Map(list.map((e) => [e.name, e]));
    expect(byName.get('sample-1MiB.bin')?.size).toBe(1048576);
    expect(byName.get('nested')?.isDirectory).toBe(true);
    expect(byName.has('grüße.txt')).toBe(true);
    expect((await download(client, '/pub/sample-1MiB.bin')).equals(demoBinary())).toBe(true);
    expect(await client.size('/pub/hello.txt')).toBe(21);
  });

  it('resumes a download from an offset (REST)', async () => {
    const s = await start();
    const client = await connected(s.port);
    const tail = await download(client, '/pub/sample-1MiB.bin', 777_777);
    expect(tail.equals(demoBinary().subarray(777_777))).toBe(true);
  });

  it('works over explicit and implicit FTPS with session reuse required', async () => {
    const s = await start({ requireTlsReuse: true, implicitPort: 0 });
    const explicit = await connected(s.port, { secure: true });
    expect((await download(explicit, '/pub/sample-1MiB.bin')).equals(demoBinary())).toBe(true);
    const implicit = await connected(s.implicitPort as number, { secure: 'implicit' });
    expect((await implicit.list('/')).map((e) => e.name)).toContain('README.txt');
  });

  it('gets the reply codes of bad commands and traversal attempts', async () => {
    const s = await start();
    const client = await connected(s.port);
    expect(await replyCode(client.send('BOGUS'))).toBe(500);
    expect(await replyCode(client.send('TYPE X'))).toBe(501);
    expect(await replyCode(client.send('MODE B'))).toBe(504);
    expect(await replyCode(client.cd('../..'))).toBe(550);
    expect(await replyCode(download(client, '/../../etc/passwd'))).toBe(550);
    expect(await replyCode(client.send('PORT 127,0,0,2,156,64'))).toBe(504);
    expect(await replyCode(client.send('PORT 127,0,0,1,0,80'))).toBe(504);
    expect(await replyCode(client.uploadFrom(Readable.from([Buffer.from('x')]), '/upload/x'))).toBe(550);
  });
});
