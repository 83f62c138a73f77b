import { DumpParseError, type WindowsDump, parseNetsh, parsePowershellJson } from '../firewall/index.js';
import type { LocalFirewallObservation } from '../observation/index.js';
import type { CommandRunner } from './read-only-command.js';

/**
 * Windows Firewall, read without changing anything: the enabled TCP rules with their port,
 * address and program filters, the profile defaults, StatefulFTP and the Security Center's
 * registered firewall and antivirus products, as one JSON document from PowerShell (the
 * NetSecurity cmdlets, Microsoft Learn). The filters are fetched once each and joined by
 * InstanceID, because asking per rule takes seconds on a stock system. When PowerShell cannot
 * run, netsh gives the same facts as text (English Windows only).
 */

export const POWERSHELL_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '$s = @{ PolicyStore = "ActiveStore" }',
  '$ports = @{}; Get-NetFirewallPortFilter -All @s | ForEach-Object { $ports[$_.InstanceID] = $_ }',
  '$addrs = @{}; Get-NetFirewallAddressFilter -All @s | ForEach-Object { $addrs[$_.InstanceID] = $_ }',
  '$apps = @{}; Get-NetFirewallApplicationFilter -All @s | ForEach-Object { $apps[$_.InstanceID] = $_ }',
  '$rules = @(Get-NetFirewallRule -Enabled True @s | ForEach-Object {',
  '  $p = $ports[$_.InstanceID]; $a = $addrs[$_.InstanceID]; $app = $apps[$_.InstanceID]',
  "  if ($p -and $p.Protocol -notin @('TCP', 'Any', '6')) { return }",
  '  [pscustomobject]@{ Name = $_.Name; DisplayName = $_.DisplayName; Enabled = "$($_.Enabled)";',
  '    Direction = "$($_.Direction)"; Action = "$($_.Action)"; Profile = "$($_.Profile)";',
  '    Protocol = "$($p.Protocol)"; LocalPort = @($p.LocalPort); RemotePort = @($p.RemotePort);',
  '    LocalAddress = @($a.LocalAddress); RemoteAddress = @($a.RemoteAddress); Program = "$($app.Program)" }',
  '})',
  '$profiles = @(Get-NetFirewallProfile @s | ForEach-Object { [pscustomobject]@{ Name = "$($_.Name)";',
  '  Enabled = "$($_.Enabled)"; DefaultInboundAction = "$($_.DefaultInboundAction)"; DefaultOutboundAction = "$($_.DefaultOutboundAction)" } })',
  '$ftp = "$((Get-NetFirewallSetting @s).EnableStatefulFtp)"',
  '$active = @(Get-NetConnectionProfile -ErrorAction SilentlyContinue | ForEach-Object { "$($_.NetworkCategory)" })',
  '$products = @(try { foreach ($c in @("FirewallProduct", "AntiVirusProduct")) {',
  '  Get-CimInstance -Namespace root/SecurityCenter2 -ClassName $c -ErrorAction Stop | ForEach-Object { "$($_.displayName)" } } } catch { })',
  '[pscustomobject]@{ Rules = $rules; Profiles = $profiles; StatefulFtp = $ftp; Products = $products; ActiveProfiles = $active } | ConvertTo-Json -Depth 4 -Compress',
].join('\n');

const POWERSHELL_ARGS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', POWERSHELL_SCRIPT];

const NETSH: Array<[string, string[]]> = [
  ['netsh', ['advfirewall', 'firewall', 'show', 'rule', 'name=all', 'verbose']],
  ['netsh', ['advfirewall', 'show', 'allprofiles']],
  ['netsh', ['advfirewall', 'show', 'global']],
];

function advisories(dump: WindowsDump): string[] {
  const out: string[] = [];
  // StatefulFTP lets Windows Firewall open active-mode data connections it reads in the control channel; TLS hides them.
  if (dump.statefulFtp === true)
    out.push(
      'Windows Firewall StatefulFTP is on: it admits active-mode data connections it reads in plain FTP, but not under TLS (netsh advfirewall set global StatefulFTP enable)',
    );
  if (dump.statefulFtp === false)
    out.push('Windows Firewall StatefulFTP is off: active-mode data connections need their own inbound allow rule');
  const others = (dump.products ?? []).filter((p) => !/^Windows Defender|^Microsoft Defender/i.test(p));
  if (others.length > 0)
    out.push(
      `other security products registered with Windows Security Center may filter too (their rules are not in this listing): ${others.join(', ')}`,
    );
  return out;
}

export async function readWindowsFirewall(
  run: CommandRunner,
  cap: number,
  signal: AbortSignal,
): Promise<LocalFirewallObservation> {
  const platform = 'win32';
  const reasons: string[] = [];
  const ps = await run('powershell.exe', POWERSHELL_ARGS);
  if ('text' in ps && ps.text.trim() !== '') {
    try {
      const dump = parsePowershellJson(ps.text);
      return {
        platform,
        source: 'powershell',
        readable: true,
        ruleset: ps.text.slice(0, cap),
        ...(ps.text.length > cap || ps.cut ? { truncated: true } : {}),
        advisories: advisories(dump),
      };
    } catch (err) {
      if (!(err instanceof DumpParseError)) throw err;
      reasons.push(`powershell: ${err.message}`);
    }
  } else reasons.push(`powershell: ${'reason' in ps ? ps.reason : 'no output'}`);
  if (signal.aborted) return { platform, readable: false, reason: reasons.join('; ') };
  const parts: string[] = [];
  for (const [file, args] of NETSH) {
    const r = await run(file, args);
    if ('reason' in r) {
      reasons.push(`${file} ${args.join(' ')}: ${r.reason}`);
      return { platform, readable: false, reason: reasons.join('; ') };
    }
    parts.push(r.text);
  }
  const text = parts.join('\n');
  try {
    const dump = parseNetsh(text);
    return {
      platform,
      source: 'netsh',
      readable: true,
      ruleset: text.slice(0, cap),
      ...(text.length > cap ? { truncated: true } : {}),
      advisories: advisories(dump),
    };
  } catch (err) {
    if (!(err instanceof DumpParseError)) throw err;
    reasons.push(`netsh: ${err.message} (netsh prints its fields in the language of Windows; only English is read)`);
    return { platform, readable: false, reason: reasons.join('; ') };
  }
}
