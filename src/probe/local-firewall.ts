import type { LocalFirewallObservation } from '../observation/index.js';
import { execFile } from 'node:child_process';

export const RULESET_CAP = 256 * 1024;

interface Reader {
  source: NonNullable<LocalFirewallObservation['source']>;
  file: string;
  args: string[];
}

/** Read-only listings, tried in order: nftables as JSON, nftables as text, then legacy iptables. */
const READERS: Reader[] = [
  { source: 'nft', file: 'nft', args: ['-j', 'list', 'ruleset'] },
  { source: 'nft', file: 'nft', args: ['list', 'ruleset'] },
  { source: 'iptables-save', file: 'iptables-save', args: [] },
];

/**
 * This computer's own firewall ruleset, read without changing anything, so the diagnosis can quote
 * a local rule. Only on Linux; elsewhere the record says so and the report tells how to check.
 */
export async function readLocalFirewall(timeoutMs: number, signal: AbortSignal): Promise<LocalFirewallObservation> {
  const platform = process.platform;
  if (platform !== 'linux')
    return {
      platform,
      readable: false,
      reason: `reading the firewall is implemented for Linux only (this is ${platform})`,
    };
  const reasons: string[] = [];
  for (const reader of READERS) {
    const result = await run(reader, timeoutMs, signal);
    if ('text' in result && result.text.trim() !== '') {
      const record: LocalFirewallObservation = {
        platform,
        source: reader.source,
        readable: true,
        ruleset: result.text.slice(0, RULESET_CAP),
      };
      if (result.text.length > RULESET_CAP || result.cut) record.truncated = true;
      return record;
    }
    reasons.push(
      `${reader.file} ${reader.args.join(' ')}: ${'reason' in result ? result.reason : 'empty ruleset'}`.trim(),
    );
    if (signal.aborted) break;
  }
  return { platform, readable: false, reason: reasons.join('; ') };
}

function run(
  reader: Reader,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ text: string; cut?: boolean } | { reason: string }> {
  return new Promise((resolve) => {
    execFile(
      reader.file,
      reader.args,
      {
        timeout: timeoutMs,
        maxBuffer: RULESET_CAP * 4,
        signal,
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C' },
      },
      (err, stdout, stderr) => {
        if (err && 'code' in err && err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          resolve({ text: stdout, cut: true }); // a huge ruleset: its start is still evidence
        } else if (err) {
          const code = 'code' in err ? String(err.code) : '';
          resolve({ reason: `${code} ${stderr.trim().split('\n')[0] ?? err.message}`.trim().slice(0, 300) });
        } else {
          resolve({ text: stdout });
        }
      },
    );
  });
}
