import { errnoOf } from '../net/index.js';
import type { ResolveObservation } from '../observation/index.js';
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
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const found = await Promise.race([
      lookup(host, { all: true, order: 'verbatim' }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error(`no DNS answer within ${timeoutMs} ms`), { code: 'ETIMEOUT' })),
          timeoutMs,
        );
        onAbort = () => reject(Object.assign(new Error('stopped during DNS resolution'), { code: 'ABORTED' }));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
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
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
