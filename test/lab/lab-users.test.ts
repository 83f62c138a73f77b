import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from './lab-process.js';
import { labDescribe } from './lab-suite.js';
import { createLabUser, deleteLabUser, LAB_USER_PREFIX, removeLeftoverUsers } from './lab-users.js';
import { LAB_TMP } from './netns.js';

function passwdEntry(name: string): string[] | undefined {
  return readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((l) => l.split(':'))
    .find((f) => f[0] === name);
}

/** A process id that just ended: a creator the leftover sweep must treat as gone. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

labDescribe('temporary lab system accounts', () => {
  const home = join(LAB_TMP, `users-test-${process.pid}`);
  let outside = '';
  const made: string[] = [];
  beforeAll(() => {
    mkdirSync(home, { recursive: true });
    outside = mkdtempSync(join(tmpdir(), 'ftpdoctor-users-'));
  });
  afterAll(async () => {
    for (const name of made) await deleteLabUser(name);
    rmSync(home, { recursive: true, force: true });
    if (outside) rmSync(outside, { recursive: true, force: true });
  });

  it('creates an account with a listed shell and a password, and deletes it', async () => {
    const user = await createLabUser(home);
    made.push(user.name);
    const entry = passwdEntry(user.name);
    expect(entry?.[5]).toBe(home);
    expect(readFileSync('/etc/shells', 'utf8').split('\n')).toContain(entry?.[6]);
    const shadow = readFileSync('/etc/shadow', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${user.name}:`));
    expect(shadow?.split(':')[1]).toMatch(/^\$/);
    // Alive creator: the sweep leaves it.
    expect(await removeLeftoverUsers()).not.toContain(user.name);
    await deleteLabUser(user.name);
    expect(passwdEntry(user.name)).toBeUndefined();
  });

  it('refuses a home outside the lab temp root', async () => {
    await expect(createLabUser(outside)).rejects.toThrow(/is not under/);
  });

  it('sweeps accounts of dead creators with a home under the lab temp root, and only those', async () => {
    const pid = deadPid();
    const leftover = `${LAB_USER_PREFIX}${pid}xaaaaaa`;
    const foreignHome = `${LAB_USER_PREFIX}${pid}xbbbbbb`;
    for (const [name, dir] of [
      [leftover, home],
      [foreignHome, outside],
    ] as const) {
      await run(['useradd', '--system', '--no-create-home', '--home-dir', dir, '--shell', '/bin/sh', name]);
      made.push(name);
    }
    const removed = await removeLeftoverUsers();
    expect(removed).toContain(leftover);
    expect(removed).not.toContain(foreignHome);
    expect(passwdEntry(leftover)).toBeUndefined();
    expect(passwdEntry(foreignHome)).toBeDefined();
  });
});
