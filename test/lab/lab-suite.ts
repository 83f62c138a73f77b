import { afterAll, beforeAll, describe } from 'vitest';
import type { ServerKind } from './lab-server.js';
import { createLab, labAvailability, type Lab, type LabOptions } from './netns.js';
import { serverMissing } from './servers/launchers.js';

/** Vitest glue for the lab: skip with the reason when it cannot run; build in beforeAll, tear down in afterAll. */

export const availability = labAvailability();

export const labDescribe: (name: string, fn: () => void) => void = availability.ok
  ? (name, fn) => describe(name, fn)
  : (name, fn) => describe.skip(`${name} (skipped: ${availability.reason})`, fn);

/** One lab per describe block; the accessor throws if beforeAll has not built it. */
export function useLab(options: LabOptions): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await createLab(options);
  }, 60_000);
  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);
  return () => {
    if (lab === undefined) throw new Error(`lab ${options.label} was not built`);
    return lab;
  };
}

/** A describe block for one server: skipped with the reason when that server is not installed here. */
export function describeForServer(kind: ServerKind): (name: string, fn: () => void) => void {
  const missing = serverMissing(kind);
  return missing === undefined ? labDescribe : (name, fn) => describe.skip(`${name} (skipped: ${missing})`, fn);
}
