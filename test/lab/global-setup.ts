import { removeLeftoverUsers } from './lab-users.js';
import { labAvailability, labNamespaces, removeLeftovers } from './netns.js';

/** Says once, in one line, why the lab is skipped; otherwise clears leftovers of crashed runs before and checks after. */
export async function setup(): Promise<void> {
  const availability = labAvailability();
  if (!availability.ok) {
    console.log(`namespace lab skipped: ${availability.reason}`);
    return;
  }
  await removeLeftovers();
  await removeLeftoverUsers();
}

export async function teardown(): Promise<void> {
  if (!labAvailability().ok) return;
  await removeLeftovers();
  await removeLeftoverUsers();
  const left = await labNamespaces();
  if (left.length > 0) console.log(`namespace lab: namespaces still present after the run: ${left.join(' ')}`);
}
