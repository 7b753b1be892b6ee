import { Readable } from 'node:stream';

import { afterEach, describe, expect, it } from 'vitest';

import { BiError } from '../../src/core/index.js';
import { bytes, deliverDefaults, harness, type Harness } from './setup.js';

let h: Harness;
afterEach(() => h?.cleanup());

/** A source that yields `good` bytes and then fails, as a BI export cut off mid-way would. */
function failingAfter(good: number): Readable {
  const data = bytes(good);
  return Readable.from(
    (async function* () {
      for (let i = 0; i < data.length; i += 8192) yield data.subarray(i, i + 8192);
      throw new BiError('BI_EXPORT_INTERRUPTED', 'the export stopped');
    })(),
  );
}

describe('a source that ends early', () => {
  it('never commits: no finish, the source’s error surfaces', async () => {
    h = await harness({ chunkSizeBytes: 32 * 1024 });
    await expect(
      h.destination.deliver('/t.pdf', failingAfter(32 * 1024 * 2 + 500), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'BI_EXPORT_INTERRUPTED',
    });

    expect(h.fake.count('/2/files/upload_session/start')).toBe(1);
    expect(h.fake.count('/2/files/upload_session/finish')).toBe(0);
    expect(h.fake.files.size).toBe(0);
  });

  it('never uploads a truncated small file either', async () => {
    h = await harness({ chunkSizeBytes: 32 * 1024 });
    await expect(
      h.destination.deliver('/s.pdf', failingAfter(100), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'BI_EXPORT_INTERRUPTED',
    });
    expect(h.fake.calls).toHaveLength(0);
  });

  it('stops between chunks when the signal fires, with nothing committed', async () => {
    h = await harness({ chunkSizeBytes: 32 * 1024 });
    const controller = new AbortController();
    h.fake.intercept = (call) => {
      if (call.route === '/2/files/upload_session/append_v2') controller.abort();
      return undefined;
    };
    const source = Readable.from([bytes(32 * 1024), bytes(32 * 1024), bytes(32 * 1024), bytes(10)]);
    await expect(
      h.destination.deliver('/abort.pdf', source, {
        ...deliverDefaults,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(h.fake.count('/2/files/upload_session/finish')).toBe(0);
  });
});

describe('the source is released on every failure', () => {
  it('a refused path destroys the source stream', async () => {
    h = await harness();
    const source = Readable.from([bytes(10)]);
    await expect(
      h.destination.deliver('/bad//path.pdf', source, deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_MALFORMED_PATH',
    });
    expect(source.destroyed).toBe(true);
  });

  it('a Dropbox failure destroys the source stream', async () => {
    h = await harness({ chunkSizeBytes: 32 * 1024 });
    h.fake.intercept = (call) =>
      call.route === '/2/files/upload_session/start'
        ? {
            status: 409,
            json: {
              error_summary: 'path/insufficient_space/',
              error: { '.tag': 'path', reason: { '.tag': 'insufficient_space' } },
            },
          }
        : undefined;
    const source = Readable.from([bytes(32 * 1024), bytes(32 * 1024), bytes(32 * 1024)]);
    await expect(h.destination.deliver('/full.pdf', source, deliverDefaults)).rejects.toMatchObject(
      {
        code: 'DROPBOX_INSUFFICIENT_SPACE',
      },
    );
    expect(source.destroyed).toBe(true);
  });
});
