import { isObject, lineAt, parseJsonDump, scalar, type Json, type JsonObject } from './json-text.js';
import { DumpParseError, type WindowsDump, type WindowsProfile } from './rule-model.js';
import { profilePolicy, profilesOf, windowsRule, type WindowsRuleFields } from './windows-rule.js';

/**
 * `Get-NetFirewallRule … | ConvertTo-Json` with the port and address filters (Get-NetFirewallPortFilter,
 * Get-NetFirewallAddressFilter) as flat properties or nested objects, optionally wrapped as
 * { Rules, Profiles, StatefulFtp } with Get-NetFirewallProfile objects. ConvertTo-Json writes
 * enumerations as numbers unless -EnumsAsStrings; the numbers are those of the MSFT_NetFirewallRule
 * and MSFT_NetFirewallProfile classes (Microsoft Learn): Direction 1 Inbound / 2 Outbound, Action
 * 0 NotConfigured / 2 Allow / 4 Block, Enabled 1 True / 2 False, Profile flags 1 Domain, 2 Private,
 * 4 Public (0 Any).
 */

function text(v: Json | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (isObject(v) && 'value' in v) return text(v.value);
  return scalar(v);
}

function list(v: Json | undefined): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v.map((x) => scalar(x)) : [scalar(v)];
}

function asArray(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

function enabledOf(v: Json | undefined): boolean {
  return !(v === false || v === 2 || (typeof v === 'string' && /^false$/i.test(v)));
}

function actionOf(v: Json | undefined): WindowsRuleFields['action'] {
  const t = text(v)?.toLowerCase();
  if (t === '2' || t === 'allow') return 'allow';
  if (t === '4' || t === 'block') return 'block';
  return 'other';
}

function profilesOfJson(v: Json | undefined): WindowsProfile[] | undefined {
  if (typeof v === 'number') {
    if (v === 0) return undefined;
    return (['domain', 'private', 'public'] as const).filter((_, i) => (v & (1 << i)) !== 0);
  }
  return profilesOf(text(v) ?? 'Any');
}

/** A property of the rule or of its nested filter object. */
function field(o: JsonObject, name: string, nested: string): Json | undefined {
  if (name in o) return o[name];
  const inner = o[nested];
  return isObject(inner) ? inner[name] : undefined;
}

function ruleFields(o: JsonObject): WindowsRuleFields {
  return {
    name: text(o.DisplayName) ?? text(o.Name) ?? '?',
    enabled: enabledOf(o.Enabled),
    direction: /^(2|outbound)$/i.test(text(o.Direction) ?? '') ? 'outbound' : 'inbound',
    action: actionOf(o.Action),
    profiles: profilesOfJson(o.Profile ?? o.Profiles),
    protocol: text(field(o, 'Protocol', 'PortFilter')),
    localPort: list(field(o, 'LocalPort', 'PortFilter')),
    remotePort: list(field(o, 'RemotePort', 'PortFilter')),
    localIp: list(field(o, 'LocalAddress', 'AddressFilter')),
    remoteIp: list(field(o, 'RemoteAddress', 'AddressFilter')),
    program: text(field(o, 'Program', 'ApplicationFilter')),
    service: text(field(o, 'Service', 'ServiceFilter')),
    interfaceTypes: text(field(o, 'InterfaceType', 'InterfaceTypeFilter')),
  };
}

const defaultAction = (v: Json | undefined, fallback: 'allow' | 'block'): string => {
  const t = text(v)?.toLowerCase();
  return t === '2' || t === 'allow'
    ? 'Allow'
    : t === '4' || t === 'block'
      ? 'Block'
      : fallback === 'allow'
        ? 'Allow'
        : 'Block';
};

export function parsePowershellJson(source: string): WindowsDump {
  const data = parseJsonDump(source, 'powershell');
  const dump: WindowsDump = { format: 'powershell', model: 'windows', rules: [], profiles: [] };
  const items: Json[] = Array.isArray(data)
    ? data
    : isObject(data) && ('Rules' in data || 'Profiles' in data)
      ? []
      : [data];
  if (isObject(data) && !Array.isArray(data)) {
    for (const r of asArray(data.Rules)) items.push(r);
    for (const p of asArray(data.Profiles)) items.push(p);
    const products = asArray(data.Products).flatMap((p) => (typeof p === 'string' && p !== '' ? [p] : []));
    if (products.length > 0) dump.products = products;
    // NetworkCategory of Get-NetConnectionProfile: Public, Private or DomainAuthenticated.
    const active = asArray(data.ActiveProfiles).flatMap((p): WindowsProfile[] => {
      const t = typeof p === 'string' ? p.toLowerCase() : '';
      return t === 'public' || t === 'private' ? [t] : t.startsWith('domain') ? ['domain'] : [];
    });
    if (active.length > 0) dump.activeProfiles = [...new Set(active)];
    // GpoBoolean: True, False, or NotConfigured (then the setting is not known from this dump).
    const ftp = text(data.StatefulFtp) ?? '';
    if (/^(1|true|enabled?)$/i.test(ftp)) dump.statefulFtp = true;
    else if (/^(0|false|disabled?)$/i.test(ftp)) dump.statefulFtp = false;
  }
  let from = 0;
  for (const item of items) {
    if (!isObject(item)) continue;
    if ('DefaultInboundAction' in item || 'DefaultOutboundAction' in item) {
      const name = (text(item.Name) ?? text(item.Profile) ?? '').toLowerCase();
      if (name !== 'domain' && name !== 'private' && name !== 'public') continue;
      const at = lineAt(source, `"${text(item.Name) ?? ''}"`, from);
      from = at.next;
      // NotConfigured falls back to the built-in defaults (INetFwPolicy2: inbound Block, outbound Allow by default).
      const inbound = defaultAction(item.DefaultInboundAction, 'block');
      const outbound = defaultAction(item.DefaultOutboundAction, 'allow');
      const on = enabledOf(item.Enabled);
      dump.profiles.push(
        profilePolicy(
          name,
          on,
          `${inbound}Inbound,${outbound}Outbound`,
          `${text(item.Name)} profile: Enabled ${on ? 'True' : 'False'}, DefaultInboundAction ${inbound}, DefaultOutboundAction ${outbound}`,
          at.line,
        ),
      );
      continue;
    }
    if (!('Direction' in item) || !('Action' in item)) continue;
    const f = ruleFields(item);
    const at = lineAt(source, JSON.stringify(text(item.DisplayName) ?? text(item.Name) ?? ''), from);
    from = at.next;
    const quote = [
      `DisplayName "${f.name}"`,
      `Direction ${f.direction === 'outbound' ? 'Outbound' : 'Inbound'}`,
      `Action ${f.action === 'allow' ? 'Allow' : f.action === 'block' ? 'Block' : 'NotConfigured'}`,
      `Enabled ${f.enabled ? 'True' : 'False'}`,
      f.protocol ? `Protocol ${f.protocol}` : '',
      f.remotePort ? `RemotePort ${f.remotePort.join(',')}` : '',
      f.localPort ? `LocalPort ${f.localPort.join(',')}` : '',
      f.remoteIp ? `RemoteAddress ${f.remoteIp.join(',')}` : '',
      f.program && !/^any$/i.test(f.program) ? `Program ${f.program}` : '',
    ].filter(Boolean);
    const rule = windowsRule(f, at.line, dump.rules.length + 1, quote.join('; '));
    // Get-NetFirewallRule alone carries no ports or addresses: such a rule is not known to cover everything.
    if (field(item, 'RemotePort', 'PortFilter') === undefined && field(item, 'LocalPort', 'PortFilter') === undefined)
      rule.unknown.push('ports not in the dump (add Get-NetFirewallPortFilter)');
    if (field(item, 'RemoteAddress', 'AddressFilter') === undefined)
      rule.unknown.push('addresses not in the dump (add Get-NetFirewallAddressFilter)');
    dump.rules.push(rule);
  }
  if (dump.rules.length === 0 && dump.profiles.length === 0)
    throw new DumpParseError('powershell', 1, 'no object with Direction and Action: not Get-NetFirewallRule output');
  return dump;
}
