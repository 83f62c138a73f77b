/**
 * Sockets as the probe and the sweep use them: one TCP connect or TLS handshake with our own
 * deadline, classified by how it ended, and the error type every failure carries.
 */
export { classifyConnectError } from './connect-outcome.js';
export { ProbeError, asProbeError, errnoOf } from './probe-error.js';
export { connectTcp } from './tcp-connect.js';
export { tlsHandshake } from './tls-handshake.js';
export { waitFor, type Waiter } from './wait.js';
