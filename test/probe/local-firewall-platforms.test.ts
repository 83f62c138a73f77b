import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLocalFirewall } from '../../src/probe/local-firewall.js';
import type { CommandResult, CommandRunner } from '../../src/probe/read-only-command.js';

/**
 * The local-firewall step on Windows and macOS, over recorded outputs of the commands it runs
 * (they cannot run here): which commands it asks for (read-only ones only), how it falls back,
 * and what it records.
 */

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/firewall/${name}`, import.meta.url), 'utf8');

/** Answers each command from a table of recorded outputs and remembers what was asked. */
function recorded(outputs: Record<string, CommandResult>): { runner: CommandRunner; asked: string[] } {
  const asked: string[] = [];
  const runner: CommandRunner = (file, args) => {
    const key = [file, ...args.filter((a) => !a.includes('\n'))].join(' ');
    asked.push(key);
    return Promise.resolve(outputs[key] ?? { reason: 'ENOENT spawn failed' });
  };
  return { runner, asked };
}

const PS = 'powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command';
const NETSH_RULES = 'netsh advfirewall firewall show rule name=all verbose';
const never = new AbortController().signal;

/** A command that could change the firewall: ftpdoctor must never run one. */
const WRITES = /\b(set|add|delete|enable|disable|-f|-e|-d|-F|--setglobalstate|--setstealthmode|New-|Set-|Remove-)\b/;

describe('reading the local firewall on Windows', () => {
  it('PowerShell first: rules, profiles, StatefulFTP and other security products', async () => {
    const json = JSON.parse(fixture('powershell-allow.json')) as Record<string, unknown>;
    const text = JSON.stringify({ ...json, Products: ['Windows Defender', 'Norton Security'] });
    const { runner, asked } = recorded({ [PS]: { text } });
    const r = await readLocalFirewall(1000, never, 'win32', runner);
    expect(r).toMatchObject({ platform: 'win32', source: 'powershell', readable: true, ruleset: text });
    expect(r.advisories?.join('\n')).toMatch(/StatefulFTP is on/);
    expect(r.advisories?.join('\n')).toMatch(/Norton Security/);
    expect(r.advisories?.join('\n')).not.toMatch(/Windows Defender/);
    expect(asked).toEqual([PS]);
  });

  it('falls back to netsh when PowerShell cannot run', async () => {
    const { runner, asked } = recorded({
      [NETSH_RULES]: { text: fixture('netsh-block-range.txt') },
      'netsh advfirewall show allprofiles': { text: '' },
      'netsh advfirewall show global': {
        text: fixture('netsh-allow.txt').slice(fixture('netsh-allow.txt').indexOf('Global Settings:')),
      },
    });
    const r = await readLocalFirewall(1000, never, 'win32', runner);
    expect(r).toMatchObject({ source: 'netsh', readable: true });
    expect(r.ruleset).toContain('Block FTP data to 203.0.113.10');
    expect(r.advisories?.join('\n')).toMatch(/StatefulFTP is on/);
    expect(asked.slice(1)).toEqual([
      NETSH_RULES,
      'netsh advfirewall show allprofiles',
      'netsh advfirewall show global',
    ]);
    expect(asked.filter((a) => WRITES.test(a.replace(PS, '')))).toEqual([]);
  });

  it('netsh in another language is not guessed at', async () => {
    const german =
      'Regelname:                            FTP\n----------\nAktiviert:                            Ja\n@@@\n';
    const { runner } = recorded({
      [NETSH_RULES]: { text: german },
      'netsh advfirewall show allprofiles': { text: '' },
      'netsh advfirewall show global': { text: '' },
    });
    const r = await readLocalFirewall(1000, never, 'win32', runner);
    expect(r.readable).toBe(false);
    expect(r.reason).toMatch(/only English is read/);
  });
});

describe('reading the local firewall on macOS', () => {
  const info = `${fixture('pfctl-disabled.txt').split('\n\n')[0]!.replace('Disabled', 'Enabled')}\n`;

  it('pf status and rules, the Application Firewall and stealth mode', async () => {
    const { runner, asked } = recorded({
      'pfctl -s info': { text: info },
      'pfctl -s rules': { text: fixture('pfctl-block-range.txt') },
      '/usr/libexec/ApplicationFirewall/socketfilterfw --getglobalstate': {
        text: 'Firewall is enabled. (State = 1)\n',
      },
      '/usr/libexec/ApplicationFirewall/socketfilterfw --getstealthmode': { text: 'Stealth mode enabled\n' },
    });
    const r = await readLocalFirewall(1000, never, 'darwin', runner);
    expect(r).toMatchObject({ platform: 'darwin', source: 'pfctl', readable: true });
    expect(r.ruleset?.split('\n')[0]).toMatch(/^Status: Enabled/);
    expect(r.ruleset).toContain('block drop out quick proto tcp from any to 203.0.113.10 port 60000:65535');
    expect(r.advisories).toHaveLength(2);
    expect(asked.filter((a) => WRITES.test(a))).toEqual([]);
  });

  it('without root pf cannot be read: the reason says so, the Application Firewall is still reported', async () => {
    const { runner } = recorded({
      'pfctl -s info': { reason: '1 pfctl: /dev/pf: Permission denied' },
      'pfctl -s rules': { reason: '1 pfctl: /dev/pf: Permission denied' },
      '/usr/libexec/ApplicationFirewall/socketfilterfw --getglobalstate': {
        text: 'Firewall is disabled. (State = 0)\n',
      },
      '/usr/libexec/ApplicationFirewall/socketfilterfw --getstealthmode': { text: 'Stealth mode disabled\n' },
    });
    const r = await readLocalFirewall(1000, never, 'darwin', runner);
    expect(r).toMatchObject({ readable: false, advisories: [] });
    expect(r.reason).toMatch(/Permission denied.*sudo/);
  });
});

it('other systems say that they are not read', async () => {
  const { runner, asked } = recorded({});
  const r = await readLocalFirewall(1000, never, 'freebsd', runner);
  expect(r).toMatchObject({ platform: 'freebsd', readable: false });
  expect(asked).toEqual([]);
});
