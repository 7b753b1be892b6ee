import { createHash, type Hash } from 'node:crypto';

/** Dropbox hashes content in 4 MiB blocks (note §6). */
export const HASH_BLOCK_SIZE = 4 * 1024 * 1024;

/**
 * Streaming Dropbox content hash: SHA-256 of each 4 MiB block, then SHA-256 of the concatenated
 * binary block digests. Empty content has no blocks. See /work/shared/api/dropbox.md §6.
 */
export class ContentHasher {
  private readonly overall = createHash('sha256');
  private block: Hash | undefined;
  private blockFill = 0;

  update(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      this.block ??= createHash('sha256');
      const take = Math.min(HASH_BLOCK_SIZE - this.blockFill, chunk.length - at);
      this.block.update(chunk.subarray(at, at + take));
      this.blockFill += take;
      at += take;
      if (this.blockFill === HASH_BLOCK_SIZE) this.closeBlock();
    }
  }

  /** Lowercase hex digest; the hasher cannot be used afterwards. */
  digest(): string {
    if (this.blockFill > 0) this.closeBlock();
    return this.overall.digest('hex');
  }

  private closeBlock(): void {
    if (this.block) this.overall.update(this.block.digest());
    this.block = undefined;
    this.blockFill = 0;
  }
}
