/**
 * A reply the server sent after the probe had stopped waiting for it: the attempt was judged at the
 * data-connect deadline and its control session was kept open until the end of the check, so a
 * server that gives up later (vsftpd's "425 Failed to establish connection." after its
 * connect_timeout, 60 s by default) still has its own verdict recorded.
 */
export interface LateReply {
  code: number;
  /** The reply as received (its lines joined, code included). */
  text: string;
  /** ms from sending the command it answers until it arrived. */
  afterMs: number;
}
