export interface TranscriptLine {
  /** ms since the run started */
  t: number;
  dir: 'sent' | 'received' | 'note';
  /** The line without CRLF; PASS arguments are replaced by "***" before they are ever stored. */
  text: string;
  /** Which connection: "control" for the control channel. */
  channel: 'control';
}
