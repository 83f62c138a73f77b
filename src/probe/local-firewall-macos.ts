import { DumpParseError, parsePfctl } from '../firewall/index.js';
import type { LocalFirewallObservation } from '../observation/index.js';
import type { CommandRunner } from './read-only-command.js';

/**
 * macOS has two local firewalls: pf (pfctl(8): `-s info` says whether it is enabled, `-sr` lists
 * the rules; both need root) and the Application Firewall, which filters incoming connections
 * per application (socketfilterfw --getglobalstate, --getstealthmode; Apple Platform Security,
 * "Firewall security in macOS"). Both are read without changing anything.
 */

const SOCKETFILTERFW = '/usr/libexec/ApplicationFirewall/socketfilterfw';

async function applicationFirewall(run: CommandRunner): Promise<string[]> {
  const out: string[] = [];
  const state = await run(SOCKETFILTERFW, ['--getglobalstate']);
  if ('text' in state && /enabled|State = [12]/i.test(state.text) && !/disabled/i.test(state.text))
    out.push(
      'the macOS Application Firewall is on: it admits incoming connections per application, so active-mode data connections reach the FTP client only if the client app is allowed (System Settings › Network › Firewall › Options)',
    );
  const stealth = await run(SOCKETFILTERFW, ['--getstealthmode']);
  if ('text' in stealth && /stealth mode (is )?(enabled|on)/i.test(stealth.text))
    out.push(
      'macOS stealth mode is on: this Mac answers nothing on closed ports, so from outside they look dropped, not refused',
    );
  return out;
}

export async function readMacosFirewall(
  run: CommandRunner,
  cap: number,
  signal: AbortSignal,
): Promise<LocalFirewallObservation> {
  const platform = 'darwin';
  const info = await run('pfctl', ['-s', 'info']);
  const rules = signal.aborted ? { reason: 'stopped' } : await run('pfctl', ['-s', 'rules']);
  const advisories = signal.aborted ? [] : await applicationFirewall(run);
  if ('reason' in rules || 'reason' in info) {
    const why = [
      ...('reason' in info ? [`pfctl -s info: ${info.reason}`] : []),
      ...('reason' in rules ? [`pfctl -s rules: ${rules.reason}`] : []),
    ].join('; ');
    return { platform, readable: false, reason: `${why} (pfctl needs root: sudo)`, advisories };
  }
  // The status line first: the pf parser reads `Status: Enabled|Disabled` before the rules.
  const status = /^Status:.*$/m.exec(info.text)?.[0] ?? '';
  const text = `${status}\n${rules.text}`;
  try {
    parsePfctl(text);
  } catch (err) {
    if (!(err instanceof DumpParseError)) throw err;
    return { platform, readable: false, reason: `pfctl: ${err.message}`, advisories };
  }
  return {
    platform,
    source: 'pfctl',
    readable: true,
    ruleset: text.slice(0, cap),
    ...(text.length > cap || rules.cut ? { truncated: true } : {}),
    advisories,
  };
}
