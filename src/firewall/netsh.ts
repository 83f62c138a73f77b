import { DumpParseError, splitLines, type WindowsDump, type WindowsProfile } from './rule-model.js';
import { profilePolicy, profilesOf, windowsRule, type WindowsRuleFields } from './windows-rule.js';

/**
 * `netsh advfirewall firewall show rule name=all [verbose]`: one block per rule, "Key: value"
 * lines after "Rule Name:". The same text may also hold `netsh advfirewall show allprofiles`
 * ("Domain Profile Settings:" then "State ON", "Firewall Policy BlockInbound,AllowOutbound") and
 * `netsh advfirewall show global` ("StatefulFTP Enable"), which settle the defaults.
 * netsh prints English keys on English Windows only; other languages are refused with the line.
 */

interface Block {
  line: number;
  fields: Map<string, string>;
  lines: string[];
}

function fieldsOf(block: Block): WindowsRuleFields {
  const get = (key: string): string | undefined => block.fields.get(key.toLowerCase());
  const list = (key: string): string[] | undefined =>
    get(key)
      ?.split(',')
      .map((s) => s.trim());
  const direction = get('Direction');
  const action = get('Action')?.toLowerCase();
  return {
    name: get('Rule Name') ?? '?',
    enabled: !/^no$/i.test(get('Enabled') ?? 'Yes'),
    direction: /^out/i.test(direction ?? '') ? 'outbound' : 'inbound',
    action: action === 'allow' || action === 'block' || action === 'bypass' ? action : 'other',
    profiles: profilesOf(get('Profiles') ?? 'Any'),
    protocol: get('Protocol'),
    localPort: list('LocalPort'),
    remotePort: list('RemotePort'),
    localIp: list('LocalIP'),
    remoteIp: list('RemoteIP'),
    program: get('Program'),
    service: get('Service'),
    interfaceTypes: get('InterfaceTypes'),
    security: get('Security'),
  };
}

export function parseNetsh(text: string): WindowsDump {
  const lines = splitLines(text, 'netsh');
  const dump: WindowsDump = { format: 'netsh', model: 'windows', rules: [], profiles: [] };
  const blocks: Block[] = [];
  let rule: Block | undefined;
  let profile: { name: WindowsProfile; line: number; on?: boolean; policy?: string; policyLine?: number } | undefined;
  const closeProfile = (): void => {
    if (profile?.policy !== undefined) {
      dump.profiles.push(
        profilePolicy(
          profile.name,
          profile.on !== false,
          profile.policy,
          `${profile.name[0]!.toUpperCase()}${profile.name.slice(1)} profile: State ${profile.on === false ? 'OFF' : 'ON'}, Firewall Policy ${profile.policy}`,
          profile.policyLine ?? profile.line,
        ),
      );
    }
    profile = undefined;
  };
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (trimmed === '' || /^-+$/.test(trimmed) || trimmed === 'Ok.' || /^No rules match/i.test(trimmed)) return;
    const header = /^(Domain|Private|Public) Profile Settings:$/i.exec(trimmed);
    if (header) {
      closeProfile();
      rule = undefined;
      profile = { name: header[1]!.toLowerCase() as WindowsProfile, line: n };
      return;
    }
    if (/^Global Settings:$/i.test(trimmed) || /^[A-Z][\w ]*:$/.test(trimmed)) {
      closeProfile();
      if (!/^Global Settings:$/i.test(trimmed) && rule) rule.fields.set(trimmed.slice(0, -1).toLowerCase(), '');
      else rule = undefined;
      return;
    }
    const keyValue = /^([A-Za-z][\w ()/-]*?):\s+(.*)$/.exec(trimmed);
    if (keyValue && !/^\s/.test(line)) {
      const key = keyValue[1]!;
      if (/^Rule Name$/i.test(key)) {
        closeProfile();
        rule = { line: n, fields: new Map(), lines: [] };
        blocks.push(rule);
      }
      if (rule) {
        rule.fields.set(key.toLowerCase(), keyValue[2]!.trim());
        rule.lines.push(trimmed.replace(/\s{2,}/g, ' '));
      }
      return;
    }
    const setting = /^(\S.*?)\s{2,}(\S.*)$/.exec(line);
    if (setting) {
      const key = setting[1]!.toLowerCase();
      const value = setting[2]!.trim();
      if (profile && key === 'state') profile.on = !/^off$/i.test(value);
      if (profile && key === 'firewall policy') {
        profile.policy = value;
        profile.policyLine = n;
      }
      if (key === 'statefulftp') dump.statefulFtp = /^enable/i.test(value);
      return;
    }
    // Indented lines continue the previous field (ICMP type tables, wrapped descriptions).
    if (/^\s/.test(line) && (rule || profile)) return;
    throw new DumpParseError('netsh', n, `"${trimmed.slice(0, 80)}" is not a netsh advfirewall line`);
  });
  closeProfile();
  blocks.forEach((b, i) => {
    const f = fieldsOf(b);
    const summary = b.lines.filter((l) =>
      /^(Rule Name|Direction|Protocol|LocalPort|RemotePort|RemoteIP|Action|Enabled|Profiles|Program):/i.test(l),
    );
    dump.rules.push(windowsRule(f, b.line, i + 1, summary.join('; ')));
  });
  if (dump.rules.length === 0 && dump.profiles.length === 0 && dump.statefulFtp === undefined)
    throw new DumpParseError('netsh', 1, 'no "Rule Name:" block and no profile settings: not netsh advfirewall output');
  return dump;
}
