export interface Reply {
  code: number;
  /** Full text of the reply, all lines joined with "\n", capped (see truncated). */
  text: string;
  truncated?: boolean;
}
