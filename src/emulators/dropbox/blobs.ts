/**
 * File bodies on disk. Request bodies stream into a file while their content hash is computed;
 * committed content is kept by content hash under `blobs/`, so identical files share one copy and
 * every revision stays readable. Nothing is ever held whole in memory.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { access, copyFile, link, mkdir, rm, truncate, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform, type TransformCallback, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContentHasher } from './content-hash.js';
import { throttle } from './http-io.js';
import { randomToken } from './random.js';

export interface Received {
  /** Bytes the request carried (also counted past the limit). */
  size: number;
  /** Content hash of the bytes written (meaningless when `tooLarge`). */
  hash: string;
  /** The body passed the request limit: it was drained, and not all of it was written. */
  tooLarge: boolean;
}

/** Counts and hashes bytes; past the limit it drops them so the body still drains. */
class Measure extends Transform {
  readonly hasher = new ContentHasher();
  size = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) return callback();
    this.hasher.update(chunk);
    callback(null, chunk);
  }
}

export class BlobStore {
  readonly blobDir: string;
  readonly tempDir: string;

  constructor(readonly dataDir: string) {
    this.blobDir = join(dataDir, 'blobs');
    this.tempDir = join(dataDir, 'tmp');
  }

  async init(): Promise<void> {
    // Sessions do not outlive the process, so leftovers of an earlier run are dropped.
    await rm(this.tempDir, { recursive: true, force: true });
    await mkdir(this.blobDir, { recursive: true });
    await mkdir(this.tempDir, { recursive: true });
  }

  /** A fresh path under the temporary folder. */
  tempPath(prefix: string): string {
    return join(this.tempDir, `${prefix}-${randomToken(16)}`);
  }

  blobPath(hash: string): string {
    return join(this.blobDir, hash);
  }

  /**
   * Streams a request body into `file` at `position` (created when 'w'). If the client goes away
   * midway, the file is cut back to its length before the call and the error is rethrown.
   */
  async receive(
    req: IncomingMessage,
    file: string,
    options: {
      position: number;
      create: boolean;
      limit: number;
      bytesPerSecond?: number | undefined;
    },
  ): Promise<Received> {
    const measure = new Measure(options.limit);
    const stages: Array<Readable | Writable | Transform> = [req];
    if (options.bytesPerSecond) stages.push(throttle(options.bytesPerSecond));
    stages.push(measure);
    stages.push(
      createWriteStream(file, { flags: options.create ? 'w' : 'r+', start: options.position }),
    );
    try {
      await pipeline(stages as unknown as [Readable, Writable]);
    } catch (error) {
      await this.cutBack(file, options.position);
      throw error;
    }
    return {
      size: measure.size,
      hash: measure.hasher.digest(),
      tooLarge: measure.size > options.limit,
    };
  }

  /** Undoes a partial write: the file ends where it ended before the call. */
  async cutBack(file: string, length: number): Promise<void> {
    await truncate(file, length).catch(() => undefined);
  }

  /** Content hash of a whole file, read as a stream. */
  async hashFile(file: string): Promise<string> {
    const hasher = new ContentHasher();
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) hasher.update(chunk);
    return hasher.digest();
  }

  /**
   * Makes `file`'s content available as blob `hash` (hard link, else a copy). Returns a function
   * that takes a newly made blob back, for a commit that then fails: the source file may be
   * written again (a kept upload session) and must not change a blob through the link.
   */
  async adopt(file: string, hash: string): Promise<() => Promise<void>> {
    const target = this.blobPath(hash);
    const exists = await access(target).then(
      () => true,
      () => false,
    );
    if (exists) return async () => undefined;
    await link(file, target).catch(() => copyFile(file, target));
    return () => unlink(target).catch(() => undefined);
  }
}
