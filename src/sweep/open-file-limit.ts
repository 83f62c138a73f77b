import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The open-file limit bounds how many connects can be in flight: every socket is a descriptor, and
 * running into EMFILE mid-sweep would turn this computer's limit into fake port states.
 */

export interface FdBudget {
  /** The soft RLIMIT_NOFILE, when it could be read. */
  softLimit?: number;
  /** Descriptors already open when measured. */
  open?: number;
  /** Sockets the sweep may hold at once. */
  budget: number;
}

/** Descriptors left for everything else in the process (control connection, stdio, the UI, logs). */
const RESERVE_MIN = 32;
const RESERVE_FRACTION = 0.1;
const FALLBACK_BUDGET = 200;

/** Reads the soft "Max open files" limit out of /proc/<pid>/limits text. */
export function parseProcLimits(text: string): number | undefined {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  return m?.[1] === undefined ? undefined : parseLimitValue(m[1]);
}

/** `ulimit -n` output, or a limits-file field: a number or "unlimited". */
export function parseLimitValue(text: string): number | undefined {
  const t = text.trim();
  if (t === 'unlimited') return Number.MAX_SAFE_INTEGER;
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

export function budgetFor(softLimit: number | undefined, open: number | undefined): FdBudget {
  if (softLimit === undefined) return { budget: FALLBACK_BUDGET };
  const used = open ?? RESERVE_MIN;
  const reserve = Math.max(RESERVE_MIN, Math.floor(Math.min(softLimit, 1_000_000) * RESERVE_FRACTION));
  return { softLimit, open, budget: Math.max(1, Math.min(softLimit, 1_000_000) - used - reserve) };
}

export function measureFdBudget(): FdBudget {
  return budgetFor(readSoftLimit(), countOpenFds());
}

function readSoftLimit(): number | undefined {
  try {
    return parseProcLimits(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    // No procfs (macOS, BSD): ask the shell, which reports its own limit, inherited from ours.
    try {
      return parseLimitValue(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }));
    } catch {
      return undefined;
    }
  }
}

function countOpenFds(): number | undefined {
  for (const dir of ['/proc/self/fd', '/dev/fd']) {
    try {
      return readdirSync(dir).length;
    } catch {
      continue;
    }
  }
  return undefined;
}
