import type { ConnectOutcome } from './connect.js';
import type { GreetingKind } from './control.js';
import type { PassiveAttempt } from './data.js';

/**
 * Every address of the target, checked side by side: hosted FTP services are pools of addresses
 * (every A/AAAA record, or the list a provider publishes), and a client picks one of them per
 * connection. A firewall that admits only some of them makes the service fail intermittently.
 */

/** Where an address came from: the name's A/AAAA records, or the --addresses list. */
export type AddressSource = 'dns' | 'list';

export interface AddressCheck {
  address: string;
  family: 4 | 6;
  source: AddressSource;
  /** The control connect to this address. */
  connect: ConnectOutcome;
  /** The first reply on it (absent when the connect failed, or under implicit TLS where it needs the handshake). */
  greeting?: { kind: GreetingKind; code?: number; text?: string; elapsedMs: number };
}

/** Passive (EPSV) data over one family: a session of its own to the first answering address of that family. */
export interface FamilyDataCheck {
  family: 4 | 6;
  address: string;
  /** Why no data attempt was made (no session, login refused…). */
  skipped?: string;
  attempt?: PassiveAttempt;
}

export interface AddressesObservation {
  checks: AddressCheck[];
  /** The address the full check ran on. */
  chosen: string;
  chosenBy: 'first-answering' | 'flag' | 'first-listed';
  /** The one deadline every address had for connect and greeting together. */
  deadlineMs: number;
  elapsedMs: number;
  /** Passive data per family, when both families answer on the control port. */
  familyData?: FamilyDataCheck[];
}

/** An address answers when its control port greets with FTP (under implicit TLS: when it accepts the connection). */
export function addressAnswers(check: AddressCheck, implicitTls: boolean): boolean {
  return check.connect.state === 'open' && (implicitTls || check.greeting?.kind === 'ftp');
}
