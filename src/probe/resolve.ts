import { errnoOf, waitFor } from '../net/index.js';
import type { ResolveObservation } from '../observation/index.js';
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Every A/AAAA address of the target (getaddrinfo, so /etc/hosts counts as it does for other
 * programs) and the one the probe uses: the first of the requested family, else the first of all.
 */
export async function resolveTarget(
  host: string,
  family: 4 | 6 | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ResolveObservation> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const literal = isIP(host.replace(/^\[(.*)\]$/, '$1'));
  if (literal !== 0) {
    const address = host.replace(/^\[(.*)\]$/, '$1');
    const record: ResolveObservation = {
      host,
      addresses: [{ address, family: literal as 4 | 6 }],
      elapsedMs: elapsed(),
    };
    if (family === undefined || family === literal) record.used = address;
    else
      record.error = {
        code: 'E_FAMILY',
        message: `${host} is an IPv${literal} address, but IPv${family} was requested`,
      };
    return record;
  }
  try {
    const found = await waitFor<LookupAddress[]>((w) => {
      const fail = (message: string, code: string) => w.reject(Object.assign(new Error(message), { code }));
      w.abortOn(signal, () => fail('stopped during DNS resolution', 'ABORTED'));
      w.after(timeoutMs, () => fail(`no DNS answer within ${timeoutMs} ms`, 'ETIMEOUT'));
      lookup(host, { all: true, order: 'verbatim' }).then(
        (addresses) => w.resolve(addresses),
        (err: Error) => w.reject(err),
      );
    });
    const addresses = found.map((a) => ({ address: a.address, family: a.family === 6 ? (6 as const) : (4 as const) }));
    const record: ResolveObservation = { host, addresses, elapsedMs: elapsed() };
    const chosen = addresses.find((a) => family === undefined || a.family === family);
    if (chosen) record.used = chosen.address;
    else record.error = { code: 'E_FAMILY', message: `${host} has no IPv${family} address` };
    return record;
  } catch (err) {
    return {
      host,
      addresses: [],
      elapsedMs: elapsed(),
      error: { code: errnoOf(err) ?? 'EAI_FAIL', message: err instanceof Error ? err.message : String(err) },
    };
  }
}
