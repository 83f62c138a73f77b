import type { Session } from '../session.js';

export interface Command {
  /** 530 before login (RFC 959 §5.4) unless false. */
  needsLogin: boolean;
  /** 'required': an empty argument gets 501 before run() is called. */
  argument: 'none' | 'required' | 'optional';
  run(session: Session, argument: string): void | Promise<void>;
}

export type CommandGroup = Record<string, Command>;

export const command = (needsLogin: boolean, argument: Command['argument'], run: Command['run']): Command => ({
  needsLogin,
  argument,
  run,
});
