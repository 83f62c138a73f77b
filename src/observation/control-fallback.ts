import type { ConnectOutcome } from './connect.js';

/**
 * When the control port does not answer: the other FTP ports of the same address, tried at once
 * (src/probe/control-fallback.ts), so the report can tell "only this port is blocked" from "nothing
 * of this host answers" (issue 12). Nothing is sent but a TLS ClientHello on 990: no login.
 */
export interface ControlFallbackPort {
  port: number;
  connect: ConnectOutcome;
  /** On 990: whether a TLS handshake worked and an FTP greeting (220) came over it. */
  implicitTls?: { handshake: boolean; greeting?: string; error?: string };
}

export interface ControlFallbackObservation {
  ports: ControlFallbackPort[];
}
