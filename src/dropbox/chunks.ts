/**
 * Cutting a byte stream into upload chunks with two chunk buffers, used in turn: while one holds
 * the chunk being sent, the next chunk is read into the other (double buffering, so the download
 * and the upload overlap). The two buffers are what bound memory to twice the chunk size whatever
 * the file size; the second is only allocated when a second chunk is read, so a stream that fits
 * in one chunk costs one. The reader looks one piece ahead so the uploader knows which chunk is
 * the last before sending it (files/upload vs a session, append vs finish).
 */
import { toBytes } from './content-hash.js';

export interface Chunk {
  /**
   * A view of one of the two buffers: valid until the second call to `next()` after the one that
   * returned it (the call right after fills the other buffer).
   */
  bytes: Uint8Array;
  /** Offset of the chunk's first byte in the stream. */
  offset: number;
  /** No bytes follow this chunk. */
  last: boolean;
}

/** Reads fixed-size chunks from a stream; a source error surfaces from `next()`. */
export class ChunkReader {
  private readonly iterator: AsyncIterator<unknown>;
  private readonly buffers: [Uint8Array, Uint8Array | undefined];
  private turn: 0 | 1 = 0;
  private leftover: Uint8Array | undefined;
  private ended = false;
  private position = 0;

  constructor(
    source: AsyncIterable<unknown>,
    private readonly size: number,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
    this.buffers = [new Uint8Array(size), undefined];
  }

  /**
   * The next chunk: full unless it is the last one (which may be empty for an empty stream).
   * Calls must not overlap: await one before starting the next.
   */
  async next(): Promise<Chunk> {
    const buffer = (this.buffers[this.turn] ??= new Uint8Array(this.size));
    this.turn = this.turn === 0 ? 1 : 0;

    let filled = 0;
    while (filled < buffer.length) {
      const piece = this.leftover ?? (await this.pull());
      this.leftover = undefined;
      if (!piece) break;

      const take = Math.min(piece.length, buffer.length - filled);
      buffer.set(piece.subarray(0, take), filled);
      filled += take;
      if (take < piece.length) this.leftover = piece.subarray(take);
    }
    if (!this.leftover && !this.ended) this.leftover = await this.pull();

    const chunk = {
      bytes: buffer.subarray(0, filled),
      offset: this.position,
      last: !this.leftover,
    };
    this.position += filled;
    return chunk;
  }

  /** What the stream still holds after the chunks read so far, piece by piece. */
  async *rest(): AsyncGenerator<Uint8Array> {
    if (this.leftover) yield this.leftover;
    this.leftover = undefined;
    for (let piece = await this.pull(); piece; piece = await this.pull()) yield piece;
  }

  private async pull(): Promise<Uint8Array | undefined> {
    while (!this.ended) {
      const result = await this.iterator.next();
      if (result.done) {
        this.ended = true;
        break;
      }
      const bytes = toBytes(result.value);
      if (bytes.length > 0) return bytes;
    }
    return undefined;
  }
}

/** A one-chunk stream over bytes already in memory. */
export async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
