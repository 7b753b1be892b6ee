import { afterEach, describe, expect, it } from 'vitest';

import { bytes, deliverDefaults, harness, streamOf, type Harness } from './setup.js';
import { referenceHash } from './fake-dropbox.js';

let h: Harness;
afterEach(() => h?.cleanup());

describe('upload: one path for any size', () => {
  it('sends a stream that fits in one chunk with a single files/upload', async () => {
    h = await harness({ chunkSizeBytes: 64 * 1024 });
    const data = bytes(64 * 1024);
    const delivered = await h.destination.deliver(
      '/Reports/small.pdf',
      streamOf(data),
      deliverDefaults,
    );

    expect(h.fake.count('/2/files/upload')).toBe(1);
    expect(h.fake.count('/2/files/upload_session/start')).toBe(0);
    expect(delivered).toMatchObject({
      status: 'delivered',
      path: '/Reports/small.pdf',
      bytes: data.length,
      contentHash: referenceHash(data),
    });
    expect(delivered.revision).toMatch(/^[0-9a-f]+$/);
  });

  it('sends an empty stream as an empty file', async () => {
    h = await harness();
    const delivered = await h.destination.deliver(
      '/empty.csv',
      streamOf(Buffer.alloc(0)),
      deliverDefaults,
    );
    expect(delivered.bytes).toBe(0);
    expect(delivered.contentHash).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('sends a longer stream through a session: start, appends, finish with the last chunk', async () => {
    h = await harness({ chunkSizeBytes: 64 * 1024 });
    const data = bytes(64 * 1024 * 4 + 123, 7);
    const progress: number[] = [];
    const delivered = await h.destination.deliver('/Reports/big.xlsx', streamOf(data, 7_777), {
      ...deliverDefaults,
      onProgress: (n) => progress.push(n),
    });

    expect(h.fake.count('/2/files/upload')).toBe(0);
    expect(h.fake.count('/2/files/upload_session/start')).toBe(1);
    expect(h.fake.count('/2/files/upload_session/append_v2')).toBe(3);
    expect(h.fake.count('/2/files/upload_session/finish')).toBe(1);
    expect(h.fake.files.get('/reports/big.xlsx')!.bytes.equals(data)).toBe(true);
    expect(delivered.contentHash).toBe(referenceHash(data));
    expect(progress.at(-1)).toBe(data.length);

    // Every request body is at most one chunk, and each says its own content hash.
    for (const call of h.fake.calls.filter((c) => c.route.startsWith('/2/files/upload_session'))) {
      expect(call.body.length).toBeLessThanOrEqual(64 * 1024);
      expect(call.arg!.content_hash).toBe(referenceHash(call.body));
    }
    const chunks = h.events.filter((e) => e.type === 'chunk');
    expect(chunks.map((e) => (e as { offset: number }).offset)).toEqual([
      0, 65536, 131072, 196608, 262144,
    ]);
  });

  it('a stream of exactly one chunk needs no session', async () => {
    h = await harness({ chunkSizeBytes: 64 * 1024 });
    await h.destination.deliver('/exact.bin', streamOf(bytes(64 * 1024)), deliverDefaults);
    expect(h.fake.count('/2/files/upload')).toBe(1);
  });

  it('writes the Dropbox-API-Arg header as ASCII with \\u escapes', async () => {
    h = await harness();
    const delivered = await h.destination.deliver(
      '/Résumé ✓ 😀.txt',
      streamOf(Buffer.from('x')),
      deliverDefaults,
    );
    const header = h.fake.calls[0]!.headers['dropbox-api-arg'] as string;
    expect(header).toContain('R\\u00e9sum\\u00e9 \\u2713 \\ud83d\\ude00.txt');
    expect(/^[\x20-\x7e]*$/.test(header)).toBe(true);
    expect(delivered.path).toBe('/Résumé ✓ 😀.txt');
  });

  it('refuses a malformed path before sending anything', async () => {
    h = await harness();
    await expect(
      h.destination.deliver('/Reports/../x.pdf', streamOf(Buffer.from('x')), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_MALFORMED_PATH',
    });
    expect(h.fake.calls).toHaveLength(0);
  });
});

describe('concurrency', () => {
  it('runs at most `concurrency` deliveries at once', async () => {
    h = await harness({ concurrency: 3 });
    h.fake.uploadDelayMs = 40;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.destination.deliver(`/c/${i}.pdf`, streamOf(bytes(100, i + 1)), deliverDefaults),
      ),
    );
    expect(h.fake.count('/2/files/upload')).toBe(10);
    expect(h.fake.maxInFlight).toBe(3);
  });
});
