import { describe, expect, it } from 'vitest';

import {
  AbortedError,
  BidropError,
  parseRetryAfter,
  retryDelay,
  shouldRetry,
  withRetry,
} from '../src/core/index.js';

const transient = (retryAfterMs?: number) =>
  new BidropError('TEST_TRANSIENT', 'busy', {
    transient: true,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });

describe('retry policy', () => {
  it('retries transient errors with exponential back-off and honours Retry-After exactly', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw transient();
        if (calls === 2) throw transient(7_000);
        if (calls === 3) throw transient();
        return 'done';
      },
      { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
    );

    expect(result).toBe('done');
    expect(delays).toEqual([188, 7_000, 750]);
  });

  it('does not retry errors that are not transient', async () => {
    let calls = 0;
    const fatal = new BidropError('DROPBOX_INSUFFICIENT_SPACE', 'full');
    await expect(
      withRetry(
        async () => {
          calls++;
          throw fatal;
        },
        { sleep: async () => {} },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });

  it('gives up after the last retry with the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw transient();
        },
        {
          policy: { retries: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 10, jitter: 0 },
          sleep: async () => {},
        },
      ),
    ).rejects.toMatchObject({ code: 'TEST_TRANSIENT' });
    expect(calls).toBe(3);
  });

  it('refuses a Retry-After longer than the policy allows', async () => {
    const policy = { retries: 3, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1_000, jitter: 0 };
    await expect(
      withRetry(
        async () => {
          throw transient(60_000);
        },
        { policy, sleep: async () => {} },
      ),
    ).rejects.toMatchObject({ retryAfterMs: 60_000 });
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = withRetry(
      async () => {
        throw transient(60_000);
      },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  it('treats network faults as transient and unknown errors as bugs', () => {
    expect(shouldRetry(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(shouldRetry(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }))).toBe(
      true,
    );
    expect(shouldRetry(new RangeError('oops'))).toBe(false);
  });

  it('caps the exponential delay and parses both forms of Retry-After', () => {
    const policy = {
      retries: 9,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      maxRetryAfterMs: 1,
      jitter: 0,
    };
    expect(retryDelay(1, new Error(), policy)).toBe(100);
    expect(retryDelay(8, new Error(), policy)).toBe(1_000);
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
