/**
 * The body of the "Large Export" document: CSV-like rows produced chunk by chunk, so an export of
 * any size takes constant memory, and cut so that the total is exactly the configured byte count.
 */

// 64 KiB chunks: large enough that per-chunk overhead is negligible, small enough to stay flat.
const CHUNK_BYTES = 64 * 1024;

/** Yields exactly `totalBytes` bytes of `Row;Payload` lines. */
export function* largeExportChunks(totalBytes: number): Generator<Buffer> {
  let remaining = totalBytes;
  let row = 0;
  let first = true;
  while (remaining > 0) {
    const lines: string[] = first ? ['Row;Payload\n'] : [];
    first = false;
    let size = lines[0]?.length ?? 0;
    while (size < CHUNK_BYTES) {
      row += 1;
      const line = `${String(row).padStart(10, '0')};payload-${(row * 2654435761) % 4294967296}-abcdefghijklmnopqrstuvwxyz\n`;
      lines.push(line);
      size += line.length;
    }
    const chunk = Buffer.from(lines.join(''), 'latin1');
    const piece = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
    remaining -= piece.length;
    yield piece;
  }
}
