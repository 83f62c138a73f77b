import { type PortSet, mergeRanges } from '../ftp/index.js';
import { portItem } from './port-text.js';
import type { Rule, WindowsProfile, WindowsProfileState } from './rule-model.js';

/**
 * A Windows Firewall rule as netsh and the NetSecurity cmdlets describe it, reduced to the shared
 * model. Fields follow `netsh advfirewall firewall add rule` (Microsoft Learn, "Netsh AdvFirewall
 * Firewall Commands"): ports are numbers, ranges or keywords (RPC, IPHTTPS…), addresses are
 * Any, addresses, subnets (mask or prefix), ranges, or keywords (LocalSubnet, DNS…).
 */

export interface WindowsRuleFields {
  name: string;
  enabled: boolean;
  direction: 'inbound' | 'outbound';
  action: 'allow' | 'block' | 'bypass' | 'other';
  profiles?: WindowsProfile[];
  protocol?: string;
  localPort?: string[];
  remotePort?: string[];
  localIp?: string[];
  remoteIp?: string[];
  program?: string;
  service?: string;
  interfaceTypes?: string;
  security?: string;
}

const isAny = (values: string[] | undefined): boolean =>
  values === undefined || values.length === 0 || values.every((v) => /^any$/i.test(v.trim()) || v.trim() === '*');

/** "Any", "21", "60000-65535", "21,60000-65535"; a keyword makes the list unknown. */
function portsOf(values: string[] | undefined): PortSet | undefined | 'unknown' {
  if (isAny(values)) return undefined;
  const out: Array<[number, number]> = [];
  for (const v of values!.flatMap((x) => x.split(','))) {
    const item = portItem(v);
    if (!item) return 'unknown';
    out.push(item);
  }
  return mergeRanges(out);
}

function prefixOfMask(mask: string): number | undefined {
  const parts = mask.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return undefined;
  const bits = parts.map((p) => p.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}

/** Addresses in the form the evaluator reads; 'unknown' for keywords such as LocalSubnet. */
function addressesOf(values: string[] | undefined): string[] | undefined | 'unknown' {
  if (isAny(values)) return undefined;
  const out: string[] = [];
  for (const raw of values!.flatMap((x) => x.split(','))) {
    const v = raw.trim();
    const masked = /^([0-9.]+)\/(\d+\.\d+\.\d+\.\d+)$/.exec(v);
    if (masked) {
      const len = prefixOfMask(masked[2]!);
      if (len === undefined) return 'unknown';
      out.push(len === 32 ? masked[1]! : `${masked[1]}/${len}`);
    } else if (/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(v) || /^[0-9a-fA-F:.]+-[0-9a-fA-F:.]+$/.test(v)) {
      out.push(v.replace(/\/(32|128)$/, ''));
    } else return 'unknown';
  }
  return out;
}

export function windowsRule(f: WindowsRuleFields, line: number, position: number, text: string): Rule {
  const rule: Rule = {
    line,
    position,
    text,
    name: f.name,
    action: f.action === 'allow' ? 'allow' : f.action === 'block' ? 'block' : 'none',
    direction: f.direction,
    newConnections: true,
    unknown: [],
    enabled: f.enabled,
  };
  // Allow-bypass rules override block rules only for authenticated IPsec traffic (MS-FASP 2.2.34).
  if (f.action === 'bypass') {
    rule.action = 'allow';
    rule.unknown.push('allow only for authenticated (IPsec) traffic');
  }
  if (f.profiles && f.profiles.length > 0 && f.profiles.length < 3) rule.profiles = f.profiles;
  const proto = f.protocol?.trim().toLowerCase();
  if (proto && proto !== 'any' && proto !== 'tcp' && proto !== '6' && proto !== '256') rule.proto = 'other';
  else if (proto === 'tcp' || proto === '6') rule.proto = 'tcp';
  const outbound = f.direction === 'outbound';
  const [dstPorts, srcPorts] = outbound ? [f.remotePort, f.localPort] : [f.localPort, f.remotePort];
  const [dst, src] = outbound ? [f.remoteIp, f.localIp] : [f.localIp, f.remoteIp];
  const conditions = [
    ['dstPorts', 'destination port', dstPorts, portsOf],
    ['srcPorts', 'source port', srcPorts, portsOf],
    ['dst', 'destination address', dst, addressesOf],
    ['src', 'source address', src, addressesOf],
  ] as const;
  for (const [field, what, values, parse] of conditions) {
    const v = parse(values);
    if (v === 'unknown') rule.unknown.push(`${what} ${values!.join(',')}`);
    else if (v) Object.assign(rule, { [field]: v });
  }
  if (f.program && !/^any$/i.test(f.program.trim())) rule.unknown.push(`program ${f.program.trim()}`);
  if (f.service && !/^any$/i.test(f.service.trim())) rule.unknown.push(`service ${f.service.trim()}`);
  // "Allow the connection if it is secure": only IPsec-authenticated traffic matches.
  if (f.security && !/^notrequired$/i.test(f.security.trim())) rule.unknown.push(`security ${f.security.trim()}`);
  if (f.interfaceTypes && !/^any$/i.test(f.interfaceTypes.trim()))
    rule.unknown.push(`interface type ${f.interfaceTypes.trim()}`);
  return rule;
}

export function profilesOf(text: string): WindowsProfile[] | undefined {
  const names = text
    .toLowerCase()
    .split(/[,\s]+/)
    .filter(Boolean);
  if (names.includes('any') || names.length === 0) return undefined;
  return (['domain', 'private', 'public'] as const).filter((p) => names.includes(p));
}

/** "BlockInbound,AllowOutbound" (netsh advfirewall show allprofiles). */
export function profilePolicy(
  profile: WindowsProfile,
  on: boolean,
  policy: string,
  text: string,
  line: number,
): WindowsProfileState {
  return {
    profile,
    on,
    inbound: /AllowInbound/i.test(policy) ? 'allow' : 'block',
    outbound: /BlockOutbound/i.test(policy) ? 'block' : 'allow',
    text,
    line,
  };
}
