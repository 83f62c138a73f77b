import { Transform, type TransformCallback } from 'node:stream';

/**
 * TYPE A (RFC 959 §3.1.1.1): the data connection carries lines ending in CRLF whatever the local
 * convention. A bare LF becomes CRLF; an existing CRLF is left alone, also across chunk boundaries.
 */
export class AsciiLineEndings extends Transform {
  private lastWasCr = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const out: number[] = [];
    for (const b of chunk) {
      if (b === 0x0a && !this.lastWasCr) out.push(0x0d);
      out.push(b);
      this.lastWasCr = b === 0x0d;
    }
    done(null, Buffer.from(out));
  }
}
