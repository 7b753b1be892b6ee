import { text } from 'node:stream/consumers';

import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiEvent, type BiSource } from '../../src/bi/index.js';
import { connectionTo, quickRetry, sendJson, startFakeBi, type FakeBi } from './fake-bi.js';
import { installInstances } from './instances-fake.js';

let fake: FakeBi;
let source: BiSource | undefined;

afterEach(async () => {
  await source?.close();
  source = undefined;
  await fake?.close();
});

const polling = { firstMs: 5, maxMs: 20 };

describe('server-side schedule', () => {
  it('runs a Webi document now, waits pending → running → success, delivers and deletes the instance', async () => {
    fake = await startFakeBi();
    const instances = installInstances(fake);
    instances.add({ SI_ID: 500, SI_NAME: 'Daily sales', SI_KIND: 'Webi', SI_INSTANCE: 0 });
    instances.nextRun = { statuses: [9, 9, 0, 0, 1], bytes: Buffer.from('%PDF-1.5 fresh run') };
    const opened: string[] = [];
    fake.route('GET', '/raylight/v1/documents/500', (_req, res) => {
      opened.push('open');
      sendJson(res, 200, { document: { id: 500, cuid: 'DocSales', name: 'Daily sales' } });
    });
    fake.route('GET', '/raylight/v1/documents/500/parameters', (_req, res) =>
      sendJson(res, 200, {
        parameters: {
          parameter: [
            { '@dpId': 'DP2', '@type': 'prompt', id: 0, name: 'Region', technicalName: 'psRegion' },
            { '@dpId': 'DP2', '@type': 'prompt', id: 1, name: 'Start', technicalName: 'psStart' },
          ],
        },
      }),
    );
    fake.route('PUT', '/raylight/v1/documents/500', (_req, res) => {
      opened.push('close');
      sendJson(res, 200, { success: { message: 'ok' } });
    });
    const events: BiEvent[] = [];
    source = createBiSource(connectionTo(fake), {
      retry: quickRetry,
      schedulePolling: polling,
      onEvent: (e) => events.push(e),
    });

    const exported = await source.export({
      document: { kind: 'id', id: 500 },
      format: 'xlsx',
      prompts: { region: ['EMEA', 'A&B <x>'] },
      from: 'schedule',
    });
    expect(exported.contentType).toBe('application/pdf');
    expect(await text(exported.body)).toBe('%PDF-1.5 fresh run');
    const run = instances.scheduled[0]!;
    expect(exported.instance?.id).toBe(run.id);
    expect(opened).toEqual(['open', 'close']);

    // The body of §4.1: xlsx is asked as xls, the answer keyed by id, dpId and technical name,
    // no destination, no recurrence.
    expect(run.body).toContain('<format type="xls"/>');
    expect(run.body).toContain(
      '<parameter dpId="DP2"><id>0</id><technicalName>psRegion</technicalName><answer><values><value>EMEA</value><value>A&#38;B &#60;x&#62;</value></values></answer></parameter>',
    );
    expect(run.body).not.toMatch(/destination|daily|once|psStart/);
    const post = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/schedules'))!;
    expect(post.headers['content-type']).toBe('application/xml');

    const statuses = events.flatMap((e) => (e.type === 'schedule' ? [e.status] : []));
    expect(statuses).toEqual(['pending', 'running', 'success']);
    const polls = instances.queries.filter((q) => q.includes(`SI_ID=${run.id}`));
    expect(polls).toHaveLength(5);

    expect(instances.deleted).toEqual([]);
    await exported.release();
    await exported.release();
    expect(instances.deleted).toEqual([run.id]);
    expect(
      fake.requests.some(
        (r) => r.method === 'DELETE' && r.path === `/raylight/v1/documents/500/schedules/${run.id}`,
      ),
    ).toBe(true);

    await source.close();
    expect(fake.sessions.size).toBe(0);
    expect(fake.stats.logons).toBe(fake.stats.logoffs);
  });

  it('keeps the instance with keepInstance', async () => {
    fake = await startFakeBi();
    const instances = installInstances(fake);
    instances.add({ SI_ID: 500, SI_NAME: 'Daily sales', SI_KIND: 'Webi', SI_INSTANCE: 0 });
    source = createBiSource(connectionTo(fake), { retry: quickRetry, schedulePolling: polling });

    const exported = await source.export({
      document: { kind: 'id', id: 500 },
      format: 'pdf',
      from: 'schedule',
      keepInstance: true,
    });
    await text(exported.body);
    await exported.release();
    expect(instances.deleted).toEqual([]);
    expect(instances.scheduled[0]!.body).toBe(
      `<schedule><name>${instances.scheduled[0]!.body.match(/<name>(.*)<\/name>/)![1]}</name><format type="pdf"/></schedule>`,
    );
  });

  it('runs a Crystal report through the platform "now" form, id from Location or a query', async () => {
    for (const platformIdIn of ['location', 'none'] as const) {
      fake = await startFakeBi();
      const instances = installInstances(fake);
      instances.platformIdIn = platformIdIn;
      instances.add({ SI_ID: 700, SI_NAME: 'Stock', SI_KIND: 'CrystalReport', SI_INSTANCE: 0 });
      instances.nextRun = { statuses: [0, 1], bytes: Buffer.from('%PDF-1.3 crystal'), kind: 'Pdf' };
      source = createBiSource(connectionTo(fake), { retry: quickRetry, schedulePolling: polling });

      const exported = await source.export({
        document: { kind: 'id', id: 700 },
        format: 'pdf',
        from: 'schedule',
        keepInstance: true,
      });
      expect(await text(exported.body)).toBe('%PDF-1.3 crystal');
      expect(exported.instance?.id).toBe(instances.scheduled[0]!.id);
      await exported.release();
      // The form read is sent back as it came (§3.3).
      expect(instances.scheduled[0]!.body).toContain('<attr name="retriesAllowed"');
      expect(fake.requests.some((r) => r.path.startsWith('/raylight'))).toBe(false);

      await source.close();
      source = undefined;
      expect(fake.sessions.size).toBe(0);
      await fake.close();
    }
  });

  it('logs on again when the session expires while it waits, and logs every session off', async () => {
    fake = await startFakeBi();
    const instances = installInstances(fake);
    instances.add({ SI_ID: 500, SI_NAME: 'Daily sales', SI_KIND: 'Webi', SI_INSTANCE: 0 });
    instances.nextRun = { statuses: [9, 0, 0, 1] };
    const events: BiEvent[] = [];
    source = createBiSource(connectionTo(fake), {
      retry: quickRetry,
      schedulePolling: polling,
      onEvent: (e) => {
        events.push(e);
        // The platform forgets every session while the run goes on.
        if (e.type === 'schedule' && e.status === 'running') fake.expireAll();
      },
    });

    const exported = await source.export({
      document: { kind: 'id', id: 500 },
      format: 'pdf',
      from: 'schedule',
    });
    expect(await text(exported.body)).toMatch(/^%PDF/);
    await exported.release();
    expect(events.some((e) => e.type === 'relogon')).toBe(true);
    expect(instances.deleted).toHaveLength(1);

    await source.close();
    expect(fake.sessions.size).toBe(0);
  });
});
