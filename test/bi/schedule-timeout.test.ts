import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiEvent, type BiSource } from '../../src/bi/index.js';
import { AbortedError } from '../../src/core/index.js';
import { connectionTo, quickRetry, startFakeBi, type FakeBi } from './fake-bi.js';
import { installInstances } from './instances-fake.js';

let fake: FakeBi;
let source: BiSource | undefined;

afterEach(async () => {
  await source?.close();
  source = undefined;
  await fake?.close();
});

describe('server-side schedule deadline', () => {
  it('cancels the run it started when the deadline passes (BI_SCHEDULE_TIMEOUT)', async () => {
    fake = await startFakeBi();
    const instances = installInstances(fake);
    instances.add({ SI_ID: 500, SI_NAME: 'Daily sales', SI_KIND: 'Webi', SI_INSTANCE: 0 });
    instances.nextRun = { statuses: [9, 0] };
    const events: BiEvent[] = [];
    source = createBiSource(connectionTo(fake), {
      retry: quickRetry,
      schedulePolling: { firstMs: 10, maxMs: 20 },
      onEvent: (e) => events.push(e),
    });

    const started = Date.now();
    await expect(
      source.export({
        document: { kind: 'id', id: 500 },
        format: 'pdf',
        from: 'schedule',
        scheduleTimeoutMs: 600,
        keepInstance: true,
      }),
    ).rejects.toMatchObject({ code: 'BI_SCHEDULE_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const id = instances.scheduled[0]!.id;
    // Cancelled even with keepInstance: a run nobody waits for any more is not kept.
    expect(instances.deleted).toEqual([id]);
    expect(events.some((e) => e.type === 'schedule' && e.status === 'running')).toBe(true);

    await source.close();
    expect(fake.sessions.size).toBe(0);
    expect(fake.stats.logons).toBe(fake.stats.logoffs);
  });

  it('cancels the run on Ctrl-C too, and the platform kind reports a cancel it cannot do', async () => {
    fake = await startFakeBi();
    const instances = installInstances(fake);
    instances.add({ SI_ID: 700, SI_NAME: 'Stock', SI_KIND: 'CrystalReport', SI_INSTANCE: 0 });
    instances.nextRun = { statuses: [0] };
    const events: BiEvent[] = [];
    source = createBiSource(connectionTo(fake), {
      retry: quickRetry,
      schedulePolling: { firstMs: 10, maxMs: 20 },
      onEvent: (e) => events.push(e),
    });

    const stop = new AbortController();
    setTimeout(() => stop.abort(new AbortedError('Stopped by SIGINT.')), 600);
    await expect(
      source.export({
        document: { kind: 'id', id: 700 },
        format: 'pdf',
        from: 'schedule',
        signal: stop.signal,
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    const id = instances.scheduled[0]!.id;
    expect(fake.requests.some((r) => r.method === 'DELETE' && r.path === `/infostore/${id}`)).toBe(
      true,
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'cleanup-failed', step: `cancel run ${id}` }),
    );

    await source.close();
    expect(fake.sessions.size).toBe(0);
  });
});
