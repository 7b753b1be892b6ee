import { afterEach, describe, expect, it } from 'vitest';

import { DropboxContentHasher } from '../../src/dropbox/index.js';
import { contentHashOf, hashBody } from '../../src/dropbox/content-hash.js';
import { bytes, deliverDefaults, harness, streamOf, type Harness } from './setup.js';
import { referenceHash } from './fake-dropbox.js';

const MiB = 1024 * 1024;
const chunk = 4 * MiB;

let h: Harness;
afterEach(() => h?.cleanup());

describe('chunks on 4 MiB hash blocks: each byte hashed once', () => {
  it('hashBody gives the body hash and block digests the whole-file hash is made of', () => {
    const data = bytes(2 * chunk + 123, 3);
    const first = hashBody(data.subarray(0, chunk));
    const second = hashBody(data.subarray(chunk, 2 * chunk));
    const last = hashBody(data.subarray(2 * chunk));

    expect(first.hash).toBe(contentHashOf(data.subarray(0, chunk)));
    expect(last.hash).toBe(contentHashOf(data.subarray(2 * chunk)));
    const whole = new DropboxContentHasher();
    whole.addBlocks(first.blocks, chunk);
    whole.addBlocks(second.blocks, chunk);
    whole.addBlocks(last.blocks, 123);
    expect(whole.digest()).toBe(referenceHash(data));
  });

  it('addBlocks refuses to go on after a short block or mid-block', () => {
    const short = new DropboxContentHasher();
    short.addBlocks(hashBody(Buffer.alloc(10)).blocks, 10);
    expect(() => short.addBlocks([], 0)).toThrow(TypeError);
    expect(() => short.update(Buffer.alloc(1))).toThrow(TypeError);

    const midBlock = new DropboxContentHasher();
    midBlock.update(Buffer.alloc(10));
    expect(() => midBlock.addBlocks([], 0)).toThrow(TypeError);
  });

  it('uploads with each body hash checked by the server, and a resumed tail hashed anew', async () => {
    h = await harness({ chunkSizeBytes: chunk });
    h.fake.intercept = (call) => {
      if (call.route === '/2/files/upload_session/append_v2' && call.n === 1) {
        // The server kept the first 1000 bytes of this chunk only, and the answer was lost.
        const session = h.fake.sessions.values().next().value!;
        session.data = Buffer.concat([session.data, call.body.subarray(0, 1000)]);
        return 'drop';
      }
      return undefined;
    };
    const data = bytes(3 * chunk + 4567, 8);
    const delivered = await h.destination.deliver(
      '/aligned.csv',
      streamOf(data, 256 * 1024),
      deliverDefaults,
    );

    expect(h.fake.files.get('/aligned.csv')!.bytes.equals(data)).toBe(true);
    expect(delivered.contentHash).toBe(referenceHash(data));
    const appends = h.fake.calls.filter((c) => c.route === '/2/files/upload_session/append_v2');
    expect(appends.map((c) => (c.arg!.cursor as { offset: number }).offset)).toEqual([
      chunk,
      chunk, // the retry, answered with incorrect_offset
      chunk + 1000,
      2 * chunk,
    ]);
    expect(appends[2]!.arg!.content_hash).toBe(
      referenceHash(data.subarray(chunk + 1000, 2 * chunk)),
    );
    expect(appends[3]!.arg!.content_hash).toBe(referenceHash(data.subarray(2 * chunk, 3 * chunk)));
  });
});
