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
  /** addBlocks() took a short last block: only digest() may follow. */
  private closedShort = false;

  /** Adds bytes; chunk boundaries need not align with the 4 MiB blocks. */
  update(chunk: Uint8Array): void {
    if (this.finished) throw new TypeError('DropboxContentHasher: update() after digest()');
    if (this.closedShort) throw new TypeError('DropboxContentHasher: update() after a short block');

    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(CONTENT_HASH_BLOCK_SIZE - this.blockFill, chunk.length - offset);
      this.block.update(chunk.subarray(offset, offset + take));
      this.blockFill += take;
      offset += take;
      if (this.blockFill === CONTENT_HASH_BLOCK_SIZE) this.closeBlock();
    }
  }

  /**
   * Adds bytes whose block digests are already known (hashBody), so they are not hashed twice.
   * Only at a block boundary; a short last block (`bytes` not a multiple of the block size) ends
   * the input.
   */
  addBlocks(blocks: readonly Uint8Array[], bytes: number): void {
    if (this.finished || this.closedShort || this.blockFill > 0) {
      throw new TypeError('DropboxContentHasher: addBlocks() needs a block boundary');
    }

    for (const block of blocks) this.overall.update(block);
    if (bytes % CONTENT_HASH_BLOCK_SIZE !== 0) this.closedShort = true;
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

/** One request body's content hash with the block digests it was made of. */
export interface BodyHash {
  hash: string;
  blocks: Uint8Array[];
}

/**
 * The content hash of bytes in memory and their block digests, in one pass: an upload needs both
 * the hash of each request body and of the whole file, and when bodies start on block boundaries
 * the whole file's hash is made of the same block digests (DropboxContentHasher.addBlocks).
 */
export function hashBody(bytes: Uint8Array): BodyHash {
  const blocks: Uint8Array[] = [];
  const overall = createHash('sha256');
  for (let at = 0; at < bytes.length; at += CONTENT_HASH_BLOCK_SIZE) {
    const block = createHash('sha256')
      .update(bytes.subarray(at, at + CONTENT_HASH_BLOCK_SIZE))
      .digest();
    blocks.push(block);
    overall.update(block);
  }
  return { hash: overall.digest('hex'), blocks };
}

/** Node streams may yield strings when an encoding was set; hash their UTF-8 bytes. */
export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('expected a stream of bytes');
}
