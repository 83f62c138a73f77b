import type { ChannelStatus, Severity } from '../diagnosis/index.js';
import type { StepStatus } from '../observation/index.js';
import type { CellState } from './range-map.js';

/**
 * Symbols and colours of every state the live view shows. Each state has its own symbol, so the
 * view reads the same without colour (NO_COLOR, --no-color, monochrome terminals).
 */
export type Colour = 'green' | 'red' | 'yellow' | 'magenta' | 'cyan' | 'blue' | 'gray';

export interface Look {
  symbol: string;
  colour: Colour;
  label: string;
}

export const STEP_LOOK: Record<StepStatus, Look> = {
  ok: { symbol: '✔', colour: 'green', label: 'ok' },
  warn: { symbol: '!', colour: 'yellow', label: 'warning' },
  fail: { symbol: '✖', colour: 'red', label: 'failed' },
  skipped: { symbol: '–', colour: 'gray', label: 'skipped' },
  aborted: { symbol: '■', colour: 'yellow', label: 'stopped' },
};

export const CHANNEL_LOOK: Record<ChannelStatus | 'pending' | 'testing', Look> = {
  ok: { symbol: '✔', colour: 'green', label: 'ok' },
  partial: { symbol: '◐', colour: 'yellow', label: 'partial' },
  blocked: { symbol: '✖', colour: 'red', label: 'blocked' },
  error: { symbol: '!', colour: 'magenta', label: 'error' },
  skipped: { symbol: '–', colour: 'gray', label: 'skipped' },
  pending: { symbol: '·', colour: 'gray', label: 'waiting' },
  testing: { symbol: '…', colour: 'cyan', label: 'testing' },
};

/** In legend order: what gets through first, then each way of being blocked. */
export const CELL_LOOK: Record<CellState, Look> = {
  open: { symbol: '■', colour: 'green', label: 'open' },
  refused: { symbol: '□', colour: 'gray', label: 'refused (closed/rule)' },
  'no-answer': { symbol: '×', colour: 'red', label: 'no answer (drop)' },
  'icmp-reject': { symbol: '!', colour: 'red', label: 'ICMP reject' },
  'blocked-reset': { symbol: 'r', colour: 'red', label: 'reset by firewall' },
  'token-mismatch': { symbol: '?', colour: 'magenta', label: 'wrong answerer' },
  'local-error': { symbol: 'L', colour: 'yellow', label: 'local error' },
  untested: { symbol: '·', colour: 'gray', label: 'not tested' },
};

export const SEVERITY_LOOK: Record<Severity, Look> = {
  error: { symbol: '✖', colour: 'red', label: 'error' },
  warning: { symbol: '▲', colour: 'yellow', label: 'warning' },
  info: { symbol: 'i', colour: 'blue', label: 'info' },
};

export const VERDICT_LOOK: Record<'ok' | 'problems' | 'blocked' | 'error', Look> = {
  ok: { symbol: '✔', colour: 'green', label: 'OK' },
  problems: { symbol: '▲', colour: 'yellow', label: 'PROBLEMS' },
  blocked: { symbol: '✖', colour: 'red', label: 'BLOCKED' },
  error: { symbol: '!', colour: 'magenta', label: 'COULD NOT CHECK' },
};

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
