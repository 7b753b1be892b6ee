import { Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import type { ExportRequest, ExportedStream } from '../../src/core/index.js';
import { harness, source } from './run-helpers.js';

const quick = { retries: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 1000, jitter: 0 };

/** A body that sends some bytes, then fails as a dropped connection does. */
function cutBody(): Readable {
  async function* generate(): AsyncGenerator<Buffer> {
    yield Buffer.from('half of it');
    throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  }
  return Readable.from(generate());
}

function cutting(times: number) {
  const fake = source();
  const original = fake.export.bind(fake);
  let cuts = 0;
  fake.export = async (request: ExportRequest): Promise<ExportedStream> => {
    const exported = await original(request);
    if (cuts >= times) return exported;
    cuts++;
    return { ...exported, body: cutBody() };
  };
  return fake;
}

const one = `documents:
  - id: 101
to: out:/{document}.{ext}`;

describe('a delivery whose stream breaks midway', () => {
  it('is exported again and delivered, with one more attempt recorded', async () => {
    const h = await harness();
    const fake = cutting(1);

    const result = await h.run(one, fake, { retry: quick });

    expect(result.status).toBe('succeeded');
    expect(fake.exports).toBe(2);
    expect(fake.released).toBe(2);
    expect(result.events.filter((e) => e.type === 'delivery-retry')).toEqual([
      {
        type: 'delivery-retry',
        runId: result.runId,
        key: result.results[0]!.key,
        attempt: 1,
        delayMs: 5,
        code: 'NETWORK_ERROR',
      },
    ]);
    expect(h.history.deliveries(result.runId)[0]).toMatchObject({
      status: 'delivered',
      attempts: 2,
    });
  });

  it('fails with NETWORK_ERROR once the retries are spent', async () => {
    const h = await harness();
    const fake = cutting(10);

    const result = await h.run(one, fake, { retry: quick });

    expect(result.status).toBe('failed');
    expect(fake.exports).toBe(3);
    expect(result.results[0]!.error).toMatchObject({
      code: 'NETWORK_ERROR',
      message: 'other side closed',
    });
    expect(h.history.deliveries(result.runId)[0]).toMatchObject({
      status: 'failed',
      attempts: 3,
      errorCode: 'NETWORK_ERROR',
    });
  });

  it('is not started over for a permanent error', async () => {
    const h = await harness();
    const fake = source({ failing: [101] });

    const result = await h.run(one, fake, { retry: quick });

    expect(fake.exports).toBe(1);
    expect(result.results[0]!.error!.code).toBe('BI_EXPORT_FAILED');
  });
});
