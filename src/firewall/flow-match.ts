import { ALL_PORTS, type PortSet, intersect, unmapIpv4 } from '../ftp/index.js';
import { BlockList, isIP } from 'node:net';
import type { Rule, WindowsProfile } from './rule-model.js';

/**
 * Whether one rule matches one new TCP connection (a flow), port by port: surely, maybe (the rule
 * has a condition the dump cannot settle), or not at all.
 */

export interface Flow {
  direction: 'inbound' | 'outbound';
  family: 4 | 6;
  /** Destination and source address, when known (the FTP server's address on one side). */
  dst?: string;
  src?: string;
  /** Destination ports in question. */
  ports: PortSet;
  /** Windows: the network profile in force, when the user knows it. */
  profile?: WindowsProfile;
}

function inList(address: string, list: string[]): boolean {
  const plain = unmapIpv4(address);
  const family = isIP(plain);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  for (const item of list) {
    const range = /^([^-]+)-([^-]+)$/.exec(item);
    if (range) {
      if (isIP(range[1]!) === family && isIP(range[2]!) === family) {
        try {
          block.addRange(range[1]!, range[2]!, type);
        } catch {
          // A range written backwards matches nothing.
        }
      }
      continue;
    }
    const [net, prefix] = item.split('/');
    if (!net || isIP(net) !== family) continue;
    const len = prefix === undefined ? undefined : Number(prefix);
    if (len === undefined) block.addAddress(net, type);
    else if (Number.isInteger(len) && len >= 0 && len <= (family === 4 ? 32 : 128)) block.addSubnet(net, len, type);
  }
  return block.check(plain, type);
}

const isLoopback = (address: string): boolean => inList(address, ['127.0.0.0/8', '::1']);

/** The ports of `ports` a rule surely matches, and those it may match. */
export function matchRule(rule: Rule, flow: Flow, ports: PortSet): { sure: PortSet; maybe: PortSet } {
  const none = { sure: [], maybe: [] };
  if (!rule.enabled || !rule.newConnections || rule.proto === 'other') return none;
  if (rule.direction && rule.direction !== flow.direction) return none;
  if (rule.family && rule.family !== flow.family) return none;
  if (rule.profiles && flow.profile && !rule.profiles.includes(flow.profile)) return none;
  let uncertain = rule.unknown.length > 0 || (rule.profiles !== undefined && flow.profile === undefined);
  for (const [list, address] of [
    [rule.dst, flow.dst],
    [rule.src, flow.src],
  ] as const) {
    if (!list) continue;
    if (address === undefined) uncertain = true;
    else if (!inList(address, list)) return none;
  }
  if (rule.loopbackOnly) {
    // An FTP peer of unknown address is another computer, whose traffic never crosses loopback.
    const remote = flow.direction === 'outbound' ? flow.dst : flow.src;
    if (remote === undefined || !isLoopback(remote)) return none;
  }
  // The source port of a connection is the client's choice: a rule on it may or may not match.
  if (rule.srcPorts) uncertain = true;
  const covered = intersect(ports, rule.dstPorts ?? ALL_PORTS);
  return uncertain ? { sure: [], maybe: covered } : { sure: covered, maybe: [] };
}
