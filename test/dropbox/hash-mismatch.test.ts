import { afterEach, describe, expect, it } from 'vitest';

import { bytes, deliverDefaults, harness, streamOf, type Harness } from './setup.js';

let h: Harness;
afterEach(() => h?.cleanup());

describe('content hash verification', () => {
  it('a hash Dropbox reports that differs from the one streamed is DROPBOX_HASH_MISMATCH', async () => {
    h = await harness();
    h.fake.corruptHash = true;
    await expect(
      h.destination.deliver('/h.pdf', streamOf(bytes(100)), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_HASH_MISMATCH',
    });
  });

  it('also after a session upload', async () => {
    h = await harness({ chunkSizeBytes: 16 * 1024 });
    h.fake.corruptHash = true;
    await expect(
      h.destination.deliver('/h2.pdf', streamOf(bytes(50_000)), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_HASH_MISMATCH',
    });
  });

  it('a request body corrupted in transit (content_hash_mismatch) is sent again', async () => {
    h = await harness();
    h.fake.intercept = (call) =>
      call.route === '/2/files/upload' && call.n === 1
        ? {
            status: 409,
            json: {
              error_summary: 'content_hash_mismatch/',
              error: { '.tag': 'content_hash_mismatch' },
            },
          }
        : undefined;
    const delivered = await h.destination.deliver('/h3.pdf', streamOf(bytes(100)), deliverDefaults);
    expect(delivered.status).toBe('delivered');
    expect(h.fake.count('/2/files/upload')).toBe(2);
  });
});
