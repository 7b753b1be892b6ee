import { afterEach, describe, expect, it } from 'vitest';

import { bytes, deliverDefaults, harness, streamOf, type Harness } from './setup.js';

let h: Harness;
afterEach(() => h?.cleanup());

describe('retries', () => {
  it('honours Retry-After on 429 exactly, then succeeds', async () => {
    h = await harness();
    h.fake.intercept = (call) =>
      call.route === '/2/files/upload' && call.n <= 2
        ? {
            status: 429,
            json: {
              error_summary: 'too_many_write_operations/..',
              error: { reason: { '.tag': 'too_many_write_operations' }, retry_after: 1 },
            },
            headers: { 'retry-after': String(call.n * 3) },
          }
        : undefined;
    const delivered = await h.destination.deliver('/a.pdf', streamOf(bytes(1000)), deliverDefaults);

    expect(delivered.status).toBe('delivered');
    expect(h.delays).toEqual([3000, 6000]);
    const retries = h.events.filter((e) => e.type === 'retry');
    expect(retries).toEqual([
      expect.objectContaining({
        route: '/2/files/upload',
        attempt: 1,
        delayMs: 3000,
        reason: expect.stringContaining('DROPBOX_RATE_LIMITED'),
      }),
      expect.objectContaining({ attempt: 2, delayMs: 6000 }),
    ]);
  });

  it('retries 5xx and dropped connections with back-off, mid-session, resending the buffered chunk', async () => {
    h = await harness({ chunkSizeBytes: 32 * 1024 });
    h.fake.intercept = (call) => {
      if (call.route === '/2/files/upload_session/append_v2' && call.n === 1)
        return { status: 503, text: 'unavailable' };
      if (call.route === '/2/files/upload_session/append_v2' && call.n === 3) return 'drop';
      if (call.route === '/2/files/upload_session/finish' && call.n === 1)
        return { status: 500, text: 'oops' };
      return undefined;
    };
    const data = bytes(32 * 1024 * 3 + 5, 3);
    const delivered = await h.destination.deliver('/b.pdf', streamOf(data), deliverDefaults);

    expect(delivered.bytes).toBe(data.length);
    expect(h.fake.files.get('/b.pdf')!.bytes.equals(data)).toBe(true);
    expect(h.delays).toEqual([100, 100, 100]);
    const statuses = h.events
      .filter((e) => e.type === 'request')
      .map((e) => (e as { status: number }).status);
    expect(statuses).toContain(0);
    expect(statuses).toContain(503);
  });

  it('fails at once, without retrying, on insufficient_space', async () => {
    h = await harness();
    h.fake.intercept = (call) =>
      call.route === '/2/files/upload'
        ? {
            status: 409,
            json: {
              error_summary: 'path/insufficient_space/..',
              error: { '.tag': 'path', reason: { '.tag': 'insufficient_space' } },
            },
          }
        : undefined;
    await expect(
      h.destination.deliver('/c.pdf', streamOf(bytes(10)), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_INSUFFICIENT_SPACE',
      hint: expect.stringContaining('Free space'),
    });
    expect(h.fake.count('/2/files/upload')).toBe(1);
    expect(h.delays).toEqual([]);
  });

  it('fails at once on a malformed_path answer', async () => {
    h = await harness();
    h.fake.intercept = () => ({
      status: 409,
      json: {
        error_summary: 'path/malformed_path/.',
        error: { '.tag': 'path', reason: { '.tag': 'malformed_path' } },
      },
    });
    await expect(
      h.destination.deliver('/d.pdf', streamOf(bytes(10)), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_MALFORMED_PATH',
    });
    expect(h.fake.calls).toHaveLength(1);
  });

  it('gives up after the policy’s retries on a server that keeps failing', async () => {
    h = await harness();
    h.fake.intercept = () => ({ status: 502, text: 'bad gateway' });
    await expect(
      h.destination.deliver('/e.pdf', streamOf(bytes(10)), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_SERVER_ERROR',
      status: 502,
    });
    expect(h.fake.count('/2/files/upload')).toBe(7);
  });
});
