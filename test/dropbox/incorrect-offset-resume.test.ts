import { afterEach, describe, expect, it } from 'vitest';

import { bytes, deliverDefaults, harness, streamOf, type Harness } from './setup.js';
import { referenceHash } from './fake-dropbox.js';

let h: Harness;
afterEach(() => h?.cleanup());

const chunk = 32 * 1024;

describe('incorrect_offset', () => {
  it('skips a chunk the server stored although its answer was lost', async () => {
    h = await harness({ chunkSizeBytes: chunk });
    // The second append lands, but the connection drops before the answer.
    h.fake.intercept = (call) =>
      call.route === '/2/files/upload_session/append_v2' && call.n === 2 ? 'drop-after' : undefined;
    const data = bytes(chunk * 4 + 99, 11);
    const delivered = await h.destination.deliver('/r.pdf', streamOf(data), deliverDefaults);

    expect(h.fake.files.get('/r.pdf')!.bytes.equals(data)).toBe(true);
    expect(delivered.contentHash).toBe(referenceHash(data));
    // append #3 is the retry that met incorrect_offset; nothing was sent twice after it.
    const appends = h.fake.calls.filter((c) => c.route === '/2/files/upload_session/append_v2');
    expect(appends.map((c) => (c.arg!.cursor as { offset: number }).offset)).toEqual([
      chunk,
      chunk * 2,
      chunk * 2,
      chunk * 3,
    ]);
  });

  it('re-sends only the tail the server is missing', async () => {
    h = await harness({ chunkSizeBytes: chunk });
    h.fake.intercept = (call) => {
      if (call.route === '/2/files/upload_session/append_v2' && call.n === 1) {
        // Pretend the server kept the first 1000 bytes of this chunk only.
        const session = h.fake.sessions.values().next().value!;
        session.data = Buffer.concat([session.data, call.body.subarray(0, 1000)]);
        return 'drop';
      }
      return undefined;
    };
    const data = bytes(chunk * 3, 5);
    await h.destination.deliver('/tail.pdf', streamOf(data), deliverDefaults);

    expect(h.fake.files.get('/tail.pdf')!.bytes.equals(data)).toBe(true);
    const appends = h.fake.calls.filter((c) => c.route === '/2/files/upload_session/append_v2');
    expect(appends[2]!.arg!.cursor).toMatchObject({ offset: chunk + 1000 });
    expect(appends[2]!.body.length).toBe(chunk - 1000);
  });

  it('a lost finish answer: the retry finds the session closed and the file decides', async () => {
    h = await harness({ chunkSizeBytes: chunk });
    h.fake.intercept = (call) =>
      call.route === '/2/files/upload_session/finish' && call.n === 1 ? 'drop-after' : undefined;
    const data = bytes(chunk * 2 + 1, 9);
    const delivered = await h.destination.deliver('/f.pdf', streamOf(data), deliverDefaults);

    expect(delivered.contentHash).toBe(referenceHash(data));
    expect(h.fake.count('/2/files/upload_session/finish')).toBe(2);
    expect(h.fake.count('/2/files/get_metadata')).toBe(1);
  });

  it('a correct_offset outside the chunk is fatal: DROPBOX_OFFSET_MISMATCH', async () => {
    h = await harness({ chunkSizeBytes: chunk });
    h.fake.intercept = (call) =>
      call.route === '/2/files/upload_session/append_v2'
        ? {
            status: 409,
            json: {
              error_summary: 'incorrect_offset/..',
              error: { '.tag': 'incorrect_offset', correct_offset: 5 },
            },
          }
        : undefined;
    await expect(
      h.destination.deliver('/x.pdf', streamOf(bytes(chunk * 3)), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_OFFSET_MISMATCH',
    });
    expect(h.fake.count('/2/files/upload_session/finish')).toBe(0);
  });
});
