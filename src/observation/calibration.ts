/**
 * What the sweep measured before it started, and the per-port deadline it derived: a refusal timed
 * on a port known to be closed (one the server just closed after a data transfer) and answers timed
 * on ports known to be open (the control port, the data connections that worked).
 */
export interface SweepCalibration {
  /** The closed port the refusal was timed on; absent when no such port was known. */
  closedPort?: number;
  /** How long each refusal took to arrive (resets only). */
  refusalSamplesMs: number[];
  /** Refusal probes that got nothing back within the calibration's wait. */
  refusalLost: number;
  /** The slowest refusal: a reset later than the round trip (e.g. delayed by a middlebox or the client OS). */
  refusalMs?: number;
  /** Connects that were answered (SYN-ACK): control and data connections of this run. */
  answerSamplesMs: number[];
  answerMs: number;
  /** An answer or refusal went missing, or an answer took a SYN retransmission longer: the path loses packets. */
  lossSeen: boolean;
  /** The per-port deadline's floor and the longest a retry may wait. */
  deadlineMs: number;
  maxDeadlineMs: number;
  elapsedMs: number;
}
