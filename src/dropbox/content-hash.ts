/**
 * Dropbox's content hash (api/dropbox.md §6): SHA-256 of each 4 MiB block, then SHA-256 of the
 * concatenated block digests, in lowercase hex. Streaming: memory holds one block's hash state,
 * never the block itself.
 */
import { createHash, type Hash } from 'node:crypto';

/** The block size fixed by the algorithm (§6); not a tuning knob. */
export const CONTENT_HASH_BLOCK_SIZE = 4 * 1024 * 1024;

/** Incremental Dropbox content hash: feed any chunk sizes, read the digest once at the end. */
export class DropboxContentHasher {
  private readonly overall: Hash = createHash('sha256');
  private block: Hash = createHash('sha256');
  private blockFill = 0;
  private finished = false;

  /** Adds bytes; chunk boundaries need not align with the 4 MiB blocks. */
  update(chunk: Uint8Array): void {
    if (this.finished) throw new TypeError('DropboxContentHasher: update() after digest()');

    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(CONTENT_HASH_BLOCK_SIZE - this.blockFill, chunk.length - offset);
      this.block.update(chunk.subarray(offset, offset + take));
      this.blockFill += take;
      offset += take;
      if (this.blockFill === CONTENT_HASH_BLOCK_SIZE) this.closeBlock();
    }
  }

  /** The 64-hex-character hash. Empty input has no blocks: SHA-256 of nothing. */
  digest(): string {
    if (this.finished) throw new TypeError('DropboxContentHasher: digest() called twice');
    this.finished = true;

    if (this.blockFill > 0) this.closeBlock();
    return this.overall.digest('hex');
  }

  private closeBlock(): void {
    this.overall.update(this.block.digest());
    this.block = createHash('sha256');
    this.blockFill = 0;
  }
}

/** The content hash of a whole stream, read once. */
export async function dropboxContentHash(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hasher = new DropboxContentHasher();
  for await (const chunk of stream) hasher.update(toBytes(chunk));
  return hasher.digest();
}

/** The content hash of bytes already in memory (one request's body). */
export function contentHashOf(bytes: Uint8Array): string {
  const hasher = new DropboxContentHasher();
  hasher.update(bytes);
  return hasher.digest();
}

/** Node streams may yield strings when an encoding was set; hash their UTF-8 bytes. */
export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('expected a stream of bytes');
}
