import type { EnvironmentObservation } from '../observation/index.js';
import { readFile } from 'node:fs/promises';
import { networkInterfaces, release, type as osType } from 'node:os';

/** Facts about this computer that change how results read: its addresses, ephemeral ports, fd limit. */
export async function observeEnvironment(): Promise<EnvironmentObservation> {
  const env: EnvironmentObservation = {
    os: `${osType()} ${release()} (${process.platform}/${process.arch})`,
    node: process.version,
    localAddresses: Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .map((nic) => nic.address),
  };
  if (process.platform === 'linux') {
    const ports = parseEphemeralRange(await readSmall('/proc/sys/net/ipv4/ip_local_port_range'));
    if (ports) env.ephemeralPorts = ports;
    const fdLimit = parseOpenFilesLimit(await readSmall('/proc/self/limits'));
    if (fdLimit !== undefined) env.fdLimit = fdLimit;
  }
  return env;
}

/** "32768\t60999\n" */
export function parseEphemeralRange(text: string | undefined): [number, number] | undefined {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The soft limit from the "Max open files" line of /proc/self/limits. */
export function parseOpenFilesLimit(text: string | undefined): number | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(text ?? '');
  if (!m?.[1] || m[1] === 'unlimited') return undefined;
  return Number(m[1]);
}

async function readSmall(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).slice(0, 16 * 1024);
  } catch {
    return undefined;
  }
}
