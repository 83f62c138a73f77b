import type { Reply } from '../ftp/index.js';
import type { ConnectOutcome } from './connect.js';
import type { DataTls, DataTransfer, Protection } from './data.js';

/**
 * The opt-in transfer experiments (issue 17): real downloads and uploads of a few sizes, each
 * bounded in bytes and time, to catch what a directory listing cannot — "small files work, big
 * ones stall" in one direction.
 */

export interface TransferExperimentSettings {
  /** --download PATH: the file to RETR (unset: the reference server's generated file, when offered). */
  download?: string;
  /** --max-bytes: no download or upload larger than this. */
  maxBytes: number;
  /** --upload-dir DIR: where generated files are stored and then deleted; unset: nothing is written. */
  uploadDir?: string;
}

export type TransferDirection = 'download' | 'upload';

export type TransferOutcome =
  | 'ok'
  | 'refused' // PASV/EPSV, RETR or STOR answered 4xx/5xx
  | 'connect-failed'
  | 'no-data' // connected, nothing moved
  | 'stalled' // bytes moved, then no progress for stallMs (or no final reply after the last byte left)
  | 'reset'
  | 'tls-failed'
  | 'aborted'
  | 'error';

export interface TransferTrial {
  direction: TransferDirection;
  path: string;
  /** The size the trial meant to move: the file's SIZE for a download, the generated file's for an upload. */
  plannedBytes?: number;
  command: 'PASV' | 'EPSV';
  protection: Protection;
  /** The first reply to RETR/STOR (1xx, or the refusal). */
  reply?: Reply;
  /** The transfer's final reply (226, 426 …) when it came. */
  final?: Reply;
  connect?: ConnectOutcome;
  tls?: DataTls;
  /** Download: bytes received; upload: bytes handed to the network (firstByteMs is unset). */
  transfer?: DataTransfer;
  /** Bytes per second from the start of the data transfer to its final reply (226), when it completed. */
  throughputBps?: number;
  outcome: TransferOutcome;
  /** Upload: what SIZE answered afterwards (RFC 3659 §4), the proof of what the server stored. */
  verifiedSize?: number;
  /** Upload: the DELE that removed the file again, or why it could not. */
  removal?: { removed: boolean; reply?: Reply; reason?: string };
  elapsedMs: number;
}

export interface TransfersObservation {
  /** No progress for this long counts as a stall: a number of control round trips, with a floor. */
  stallMs: number;
  maxBytes: number;
  /** The file downloaded, and who chose it: the user, the reference server, or the largest of the first listing. */
  download?: { path: string; chosenBy: 'flag' | 'reference-server' | 'listing' };
  /** The directory uploads went to, and who chose it. */
  upload?: { dir: string; chosenBy: 'flag' | 'reference-server' };
  /** Why a direction did not run at all. */
  skipped: Partial<Record<TransferDirection, string>>;
  trials: TransferTrial[];
}
