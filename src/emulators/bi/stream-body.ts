/**
 * Writes an export body as a chunked response: respects backpressure (so a generator's memory
 * stays flat), throttles to a byte rate when asked, and, for a drop fault, destroys the socket
 * part-way through.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { Exchange } from './exchange.js';

// Throttled bodies go out in slices of a twentieth of a second's worth, so the rate is smooth.
const SLICES_PER_SECOND = 20;

function waitDrain(ex: Exchange): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      ex.res.off('drain', done);
      ex.res.off('close', done);
      resolve();
    };
    ex.res.once('drain', done);
    ex.res.once('close', done);
  });
}

/**
 * Streams `chunks` as the body of a 200 with `contentType`. `totalHint` (if known) places the
 * cut of a drop fault at half the body; without it the cut comes after the first chunk.
 */
export async function streamBody(
  ex: Exchange,
  contentType: string,
  chunks: Iterable<Buffer>,
  rate: number | undefined,
  totalHint?: number,
): Promise<void> {
  // No Content-Length: Node sends the body chunked, as a server streaming from the
  // processing server does.
  ex.res.writeHead(200, { 'Content-Type': contentType });
  const started = Date.now();
  const sliceBytes = rate ? Math.max(1, Math.floor(rate / SLICES_PER_SECOND)) : Infinity;
  const cutAt = ex.drop ? Math.max(1, Math.floor((totalHint ?? 1) / 2)) : Infinity;
  let sent = 0;

  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += Math.min(sliceBytes, chunk.length)) {
      if (ex.res.destroyed) return;
      const slice = chunk.subarray(at, at + Math.min(sliceBytes, chunk.length));
      sent += slice.length;
      if (sent >= cutAt) {
        // Let what was written reach the client, then cut the connection.
        ex.res.write(slice, () => ex.res.socket?.destroy());
        return;
      }
      const more = ex.res.write(slice);
      if (!more) await waitDrain(ex);
      if (rate) {
        const due = (sent / rate) * 1000 - (Date.now() - started);
        if (due > 0) await sleep(due);
      }
    }
  }
  ex.res.end();
}
