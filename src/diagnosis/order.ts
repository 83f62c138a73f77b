import type { Channel, Finding, Severity } from './finding.js';

/** The channels in the order a connection is made: every view lists them so. */
export const CHANNELS: readonly Channel[] = ['control', 'tls', 'passive', 'active'];

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Most severe first; within a severity, in the order a connection is made. */
export function bySeverity(a: Finding, b: Finding): number {
  return (
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel)
  );
}
