export interface TranscriptLine {
  /** ms since the run started */
  t: number;
  dir: 'sent' | 'received' | 'note';
  /** The line without CRLF; PASS arguments are replaced by "***" before they are ever stored. */
  text: string;
  /** Which connection: "control" for the control channel. */
  channel: 'control';
  /**
   * Which control session, numbered from 1 in the order the check opened them: several run at once
   * (the data probes' parallel sessions, replacements, the idle test), so their lines interleave.
   * Absent on notes about the check as a whole.
   */
  session?: number;
}
