import { createServer } from 'node:net';

/** Below Linux's default ephemeral range, where no outgoing connection takes a port by chance. */
const LOW = 20000;
const HIGH = 32000;
const TRIES = 30;

/**
 * A block of consecutive ports that are free right now on `host`. Several suites run reference
 * servers with passive ranges at once; fixed numbers would collide, a checked random block does not.
 */
export async function freePortBlock(size: number, host = '127.0.0.1'): Promise<[number, number]> {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const from = LOW + Math.floor(Math.random() * (HIGH - LOW - size));
    const to = from + size - 1;
    if (await allFree(host, from, to)) return [from, to];
  }
  throw new Error(`no ${size} free consecutive ports on ${host} after ${TRIES} tries`);
}

async function allFree(host: string, from: number, to: number): Promise<boolean> {
  for (let port = from; port <= to; port++) if (!(await isFree(host, port))) return false;
  return true;
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port }, () => server.close(() => resolve(true)));
  });
}

/** Holds one port open (an ephemeral one the system picks) until release(). */
export async function occupyPort(host = '127.0.0.1'): Promise<{ port: number; release: () => Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
