import { afterEach, describe, expect, it } from 'vitest';
import {
  startDropboxEmulator,
  type DropboxEmulator,
} from '../../../src/emulators/dropbox/index.js';
import { authorize, content, json, rpc } from './helpers.js';

let emu: DropboxEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function started(options: Parameters<typeof startDropboxEmulator>[0] = {}) {
  emu = await startDropboxEmulator({ seed: 8, ...options });
  return { emu, token: (await authorize(emu)).access_token };
}

describe('fault injection', () => {
  it('answers 429 with Retry-After and a RateLimitError body; OAuth is left alone', async () => {
    const { emu, token } = await started();
    emu.setFaults({ rate429: 1, retryAfterSec: 3 });
    const read = await rpc(emu, token, 'files/get_metadata', { path: '/x' });
    expect(read.status).toBe(429);
    expect(read.headers.get('retry-after')).toBe('3');
    expect(await read.json()).toEqual({
      error_summary: 'too_many_requests/',
      error: { reason: { '.tag': 'too_many_requests' }, retry_after: 3 },
    });
    const write = await content(emu, token, 'files/upload', { path: '/x' }, Buffer.from('x'));
    expect(((await write.json()) as { error: unknown }).error).toEqual({
      reason: { '.tag': 'too_many_write_operations' },
      retry_after: 3,
    });
    await expect(authorize(emu)).resolves.toHaveProperty('access_token');
    expect(emu.stats().requests['/2/files/upload']).toBe(1);
  });

  it('answers 5xx', async () => {
    const { emu, token } = await started({ faults: { rate5xx: 1 } });
    const answer = await rpc(emu, token, 'check/user', { query: 'a' });
    expect([500, 503]).toContain(answer.status);
  });

  it('drops the connection partway through an upload body, storing nothing', async () => {
    const { emu, token } = await started({ faults: { dropRate: 1 } });
    await expect(
      content(emu, token, 'files/upload', { path: '/dropped.bin' }, Buffer.alloc(256 * 1024, 7)),
    ).rejects.toThrow();
    expect(emu.listFiles()).toEqual([]);
  });

  it('loses the response of an append that took effect: the retry learns the correct offset', async () => {
    const { emu, token } = await started();
    const start = await json(
      await content(emu, token, 'files/upload_session/start', {}, Buffer.from('abc')),
    );
    const arg = { cursor: { session_id: start['session_id'], offset: 3 } };
    emu.setFaults({ dropResponseRate: 1 });
    await expect(
      content(emu, token, 'files/upload_session/append_v2', arg, Buffer.from('defg')),
    ).rejects.toThrow();
    emu.setFaults({});
    const retry = await json(
      await content(emu, token, 'files/upload_session/append_v2', arg, Buffer.from('defg')),
      409,
    );
    expect(retry['error']).toEqual({ '.tag': 'incorrect_offset', correct_offset: 7 });
  });

  it('is repeatable for a given seed, and limited to the named routes', async () => {
    const statuses: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const { emu, token } = await started({ faults: { rate429: 0.5 } });
      const seen: number[] = [];
      for (let i = 0; i < 12; i++)
        seen.push((await rpc(emu, token, 'check/user', { query: 'q' })).status);
      statuses.push(seen);
      await emu.close();
    }
    expect(statuses[0]).toEqual(statuses[1]);
    expect(statuses[0]).toContain(429);
    expect(statuses[0]).toContain(200);

    const { emu, token } = await started({ faults: { rate429: 1, routes: ['/2/files/upload'] } });
    expect((await rpc(emu, token, 'check/user', { query: 'q' })).status).toBe(200);
  });

  it('adds latency and throttles bodies', async () => {
    const { emu, token } = await started({ latencyMs: 60, bytesPerSecond: 200_000 });
    await content(emu, token, 'files/upload', { path: '/slow.bin' }, Buffer.alloc(40_000));
    const began = Date.now();
    const down = await content(emu, token, 'files/download', { path: '/slow.bin' });
    await down.arrayBuffer();
    expect(Date.now() - began).toBeGreaterThanOrEqual(60 + 150);
  });
});
