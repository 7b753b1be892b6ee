import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiEvent, type BiSource } from '../../src/bi/index.js';
import { connectionTo, quickRetry, sendJson, startFakeBi, type FakeBi } from './fake-bi.js';
import { installInstances, type InstanceFake } from './instances-fake.js';

let fake: FakeBi;
let source: BiSource | undefined;

afterEach(async () => {
  await source?.close();
  source = undefined;
  await fake?.close();
});

async function setUp(kind = 'Webi'): Promise<InstanceFake> {
  fake = await startFakeBi();
  const instances = installInstances(fake);
  instances.add({ SI_ID: 500, SI_NAME: 'Daily sales', SI_KIND: kind, SI_INSTANCE: 0 });
  return instances;
}

describe('server-side schedule failures', () => {
  it('reports a failed run with the platform message (BI_SCHEDULE_FAILED) and removes it', async () => {
    const instances = await setUp();
    instances.nextRun = { statuses: [9, 0, 3], failure: 'Destination disabled. (FWB 00031)' };
    const events: BiEvent[] = [];
    source = createBiSource(connectionTo(fake), {
      retry: quickRetry,
      schedulePolling: { firstMs: 5, maxMs: 10 },
      onEvent: (e) => events.push(e),
    });

    const error = await source
      .export({ document: { kind: 'id', id: 500 }, format: 'pdf', from: 'schedule' })
      .catch((e: unknown) => e);
    const id = instances.scheduled[0]!.id;
    expect(error).toMatchObject({
      code: 'BI_SCHEDULE_FAILED',
      message: `The BI platform's run (instance ${id}) ended failed: Destination disabled. (FWB 00031)`,
    });
    expect(instances.deleted).toEqual([id]);
    expect(source.openSessions()).toBeLessThanOrEqual(1);
    await source.close();
    expect(fake.sessions.size).toBe(0);
    expect(fake.stats.logons).toBe(fake.stats.logoffs);
  });

  it('falls back to the Raylight error when the CMS row has no text, and keeps it with keepInstance', async () => {
    const instances = await setUp();
    instances.nextRun = { statuses: [3], raylightError: 'The query exceeded the limit.' };
    source = createBiSource(connectionTo(fake), {
      retry: quickRetry,
      schedulePolling: { firstMs: 5, maxMs: 10 },
    });

    await expect(
      source.export({
        document: { kind: 'id', id: 500 },
        format: 'pdf',
        from: 'schedule',
        keepInstance: true,
      }),
    ).rejects.toMatchObject({
      code: 'BI_SCHEDULE_FAILED',
      message: expect.stringContaining('ended failed: WIS 30270 The query exceeded the limit.'),
    });
    expect(instances.deleted).toEqual([]);
  });

  it('counts expired, unknown and long-paused runs as failures', async () => {
    for (const [statuses, word] of [
      [[13], 'expired'],
      [[42], 'unknown status 42'],
      [[0, 8], 'paused'],
    ] as const) {
      const instances = await setUp();
      instances.nextRun = { statuses: [...statuses] };
      source = createBiSource(connectionTo(fake), {
        retry: quickRetry,
        schedulePolling: { firstMs: 5, maxMs: 10, pausedGraceMs: 30 },
      });
      await expect(
        source.export({ document: { kind: 'id', id: 500 }, format: 'pdf', from: 'schedule' }),
      ).rejects.toMatchObject({
        code: 'BI_SCHEDULE_FAILED',
        message: expect.stringContaining(`ended ${word}`),
      });
      await source.close();
      source = undefined;
      expect(fake.sessions.size).toBe(0);
      await fake.close();
    }
  });

  it('refuses an answer to a prompt the document does not have before scheduling', async () => {
    const instances = await setUp();
    fake.route('GET', '/raylight/v1/documents/500', (_req, res) =>
      sendJson(res, 200, { document: { id: 500 } }),
    );
    fake.route('PUT', '/raylight/v1/documents/500', (_req, res) => sendJson(res, 200, {}));
    fake.route('GET', '/raylight/v1/documents/500/parameters', (_req, res) =>
      sendJson(res, 200, { parameters: { parameter: { '@dpId': 'DP1', id: 0, name: 'Region' } } }),
    );
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    await expect(
      source.export({
        document: { kind: 'id', id: 500 },
        format: 'pdf',
        from: 'schedule',
        prompts: { Country: ['FR'] },
      }),
    ).rejects.toMatchObject({ code: 'BI_PROMPT_UNKNOWN', hint: 'Its prompts are: "Region".' });
    expect(instances.scheduled).toEqual([]);
  });

  it('never sends the schedule twice: a 500 on the POST fails at once', async () => {
    fake = await startFakeBi();
    fake.route('POST', '/raylight/v1/documents/500/schedules', (_req, res) =>
      sendJson(res, 500, { error: { error_code: 'WSR 00999', message: 'Internal error' } }),
    );
    const instances = installInstances(fake);
    instances.add({ SI_ID: 500, SI_NAME: 'Daily sales', SI_KIND: 'Webi', SI_INSTANCE: 0 });
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    await expect(
      source.export({ document: { kind: 'id', id: 500 }, format: 'pdf', from: 'schedule' }),
    ).rejects.toMatchObject({ code: 'BI_SERVER_ERROR' });
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/schedules'));
    expect(posts).toHaveLength(1);
  });
});
