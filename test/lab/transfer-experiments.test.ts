import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { experimentCheck, experimentLab, recordExperiment } from './experiment-check.js';
import type { ServerKind } from './lab-server.js';
import { labDescribe } from './lab-suite.js';
import { LAB_ADDRESSES, type Lab } from './netns.js';
import { launchers, serverMissing } from './servers/launchers.js';

/**
 * The transfer experiments (issue 17) through a router with a path-MTU black hole: a route MTU of
 * 1280 towards one side (Linux's forwarding path always honours a route's MTU, ip_dst_mtu_maybe_forward)
 * and the router's ICMP "fragmentation needed" dropped, so full-size packets vanish in that direction
 * only.
 */

const BIG_FILE = { name: 'big.bin', bytes: 1024 * 1024 };
const UPLOAD_DIRS: Partial<Record<ServerKind, string>> = { reference: '/', vsftpd: '/pub/upload' };
const NARROW_MTU = '1280';
const DROP_FRAG_NEEDED = `table inet lab_pmtu {
  chain out {
    type filter hook output priority 0; policy accept;
    icmp type destination-unreachable icmp code frag-needed drop
  }
}
`;

interface Report {
  findings: Array<{ code: string; title: string; evidence: Array<{ ref: string; fact: string }> }>;
  observations: {
    transfers?: {
      trials: Array<{ direction: string; plannedBytes?: number; outcome: string; removal?: { removed: boolean } }>;
      skipped: Record<string, string>;
    };
  };
}

type Narrow = 'none' | 'download' | 'upload';

function check(lab: Lab, kind: ServerKind): Promise<Report> {
  return experimentCheck<Report>(lab, ['--download', `/${BIG_FILE.name}`, '--upload-dir', UPLOAD_DIRS[kind] ?? '/']);
}

/** The route towards the narrowed side, as a host route more specific than the link's own. */
function narrowRoute(narrow: Exclude<Narrow, 'none'>): string[] {
  return narrow === 'download'
    ? [`${LAB_ADDRESSES.client}/32`, 'dev', 'to-client']
    : [`${LAB_ADDRESSES.target}/32`, 'dev', 'to-server'];
}

function outcomes(report: Report): string[] {
  return (report.observations.transfers?.trials ?? []).map((t) => `${t.direction} ${t.plannedBytes} ${t.outcome}`);
}

for (const kind of ['reference', 'vsftpd'] as const) {
  const missing = serverMissing(kind);
  labDescribe(`transfer experiments, ${kind}`, () => {
    describe.skipIf(missing !== undefined)(`through a router (needs ${kind}: ${missing ?? 'present'})`, () => {
      const { lab, tls, serve, cleanup } = experimentLab(`xfer-${kind === 'reference' ? 'ref' : 'vsf'}`);

      async function run(narrow: Narrow): Promise<Report> {
        serve(await launchers[kind](lab(), { tls: tls(), anonymous: true, writable: true }));
        writeFileSync(join(lab().dir, `${kind}-root`, BIG_FILE.name), randomBytes(BIG_FILE.bytes));
        if (narrow !== 'none') {
          const route = narrowRoute(narrow);
          await lab().exec('router', ['ip', 'route', 'add', ...route, 'mtu', NARROW_MTU]);
          cleanup(() => lab().exec('router', ['ip', 'route', 'del', ...route], { allowFailure: true }));
          await lab().loadRules('router', DROP_FRAG_NEEDED);
        }
        return check(lab(), kind);
      }

      it('moves 1 MiB down and 1 KB, 64 KB, 2 MB up on a clear path, and removes every upload', async () => {
        const report = await run('none');
        expect(outcomes(report)).toEqual([
          `download ${BIG_FILE.bytes} ok`,
          'upload 1024 ok',
          'upload 65536 ok',
          'upload 2097152 ok',
        ]);
        expect(
          report.observations.transfers?.trials
            .filter((t) => t.direction === 'upload')
            .every((t) => t.removal?.removed),
        ).toBe(true);
        expect(report.findings.map((f) => f.code)).not.toContain('DATA_STALLED_LARGE');
      }, 120_000);

      it('finds large downloads stalling when full-size packets towards the client are black-holed', async () => {
        const report = await run('download');
        const [download, ...uploads] = outcomes(report);
        expect(download).toMatch(new RegExp(`^download ${BIG_FILE.bytes} (stalled|no-data)$`));
        expect(uploads).toEqual(['upload 1024 ok', 'upload 65536 ok', 'upload 2097152 ok']);
        const large = report.findings.filter((f) => f.code === 'DATA_STALLED_LARGE');
        expect(large.map((f) => f.title)).toEqual(['Small downloads work, large downloads stall']);
        recordExperiment(`${kind}-pmtu-blackhole-download`, report, {
          description: `1 MiB download through a router with a 1280-byte route MTU towards the client and ICMP frag-needed dropped (${kind})`,
          findings: ['DATA_STALLED_LARGE'],
        });
      }, 120_000);

      it('finds large uploads stalling when full-size packets towards the server are black-holed, and still removes them', async () => {
        const report = await run('upload');
        expect(outcomes(report)).toEqual([
          `download ${BIG_FILE.bytes} ok`,
          'upload 1024 ok',
          expect.stringMatching(/^upload 65536 (stalled|no-data)$/),
          expect.stringMatching(/^upload 2097152 (stalled|no-data)$/),
        ]);
        expect(
          report.observations.transfers?.trials
            .filter((t) => t.direction === 'upload')
            .every((t) => t.removal?.removed),
        ).toBe(true);
        const large = report.findings.filter((f) => f.code === 'DATA_STALLED_LARGE');
        expect(large.map((f) => f.title)).toEqual(['Small uploads work, large uploads stall']);
        recordExperiment(`${kind}-pmtu-blackhole-upload`, report, {
          description: `1 KB, 64 KB and 2 MB uploads through a router with a 1280-byte route MTU towards the server and ICMP frag-needed dropped (${kind})`,
          findings: ['DATA_STALLED_LARGE'],
        });
      }, 120_000);
    });
  });
}
