import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { activeOk, activeRefused, clearLog, mutate, reply } from './observation-factory.js';

/**
 * A server that requires protected data (pyftpdlib tls_data_required answers PORT under PROT C with
 * "550 SSL/TLS required on the data channel."): PORT with PROT P works in the same run, so the
 * refusal of PORT with PROT C is the server's data-protection policy, not "active mode refused".
 * Decided by that fact; the wording is varied here to show it plays no part.
 */
describe('clear data refused on a TLS session while protected data works', () => {
  it.each(['550 SSL/TLS required on the data channel.', '534 Request denied for policy reasons.'])(
    'is neither a refused active mode nor a failed attempt: %s',
    (text) => {
      const log = mutate(clearLog(), (l) => {
        const refused = activeRefused(text.slice(4), { protection: 'clear' });
        l.active = [
          activeOk({ protection: 'private' }),
          { ...refused, controlTls: true, portReply: reply(Number(text.slice(0, 3)), text.slice(4)) },
        ];
      });
      const d = diagnose(log, { require: ['active'] });
      expect(d.findings.map((f) => f.code)).not.toContain('ACTIVE_INBOUND_BLOCKED');
      expect(d.channels.active.status).toBe('ok');
    },
  );

  it('still reports a refused PORT when no protected attempt worked', () => {
    const log = mutate(clearLog(), (l) => {
      l.active = [
        { ...activeRefused('SSL/TLS required on the data channel.', { protection: 'clear' }), controlTls: true },
      ];
    });
    const d = diagnose(log, { require: ['active'] });
    expect(d.findings.map((f) => f.code)).toContain('ACTIVE_INBOUND_BLOCKED');
  });

  it('a plain session refused alike counts as the same policy; a different refusal there does not', () => {
    const tlsClear = {
      ...activeRefused('SSL/TLS required on the data channel.', { protection: 'clear' }),
      controlTls: true,
    };
    const plain = (code: number, text: string) => ({
      ...activeRefused(text, { protection: 'clear' }),
      controlTls: false,
      portReply: reply(code, text),
    });
    const alike = mutate(clearLog(), (l) => {
      l.active = [activeOk({ protection: 'private' }), tlsClear, plain(500, 'SSL/TLS required on the data channel.')];
    });
    expect(diagnose(alike, { require: ['active'] }).findings.map((f) => f.code)).not.toContain(
      'ACTIVE_INBOUND_BLOCKED',
    );
    // An FTP-inspecting firewall that answers PORT itself can only do so where it can read it: in plain text.
    const inspected = mutate(clearLog(), (l) => {
      l.active = [activeOk({ protection: 'private' }), plain(421, 'Command blocked by policy')];
    });
    expect(diagnose(inspected, { require: ['active'] }).findings.map((f) => f.code)).toContain(
      'ACTIVE_INBOUND_BLOCKED',
    );
  });
});
