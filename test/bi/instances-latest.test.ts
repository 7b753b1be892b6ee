import { text } from 'node:stream/consumers';

import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiEvent, type BiSource } from '../../src/bi/index.js';
import { connectionTo, quickRetry, startFakeBi, type FakeBi } from './fake-bi.js';
import { hoursAgo, installInstances, type InstanceFake } from './instances-fake.js';

let fake: FakeBi;
let source: BiSource | undefined;

afterEach(async () => {
  await source?.close();
  source = undefined;
  await fake?.close();
});

/** A Webi document 500 with runs of every kind: the newest successful one is 512. */
function history(instances: InstanceFake): void {
  instances.add({
    SI_ID: 500,
    SI_CUID: 'DocSales',
    SI_NAME: 'Daily sales',
    SI_KIND: 'Webi',
    SI_INSTANCE: 0,
  });
  const run = (id: number, status: number, hours: number, body = `%PDF-1.7 instance ${id}`) =>
    instances.add({
      SI_ID: id,
      SI_CUID: `Inst${id}`,
      SI_NAME: 'Daily sales',
      SI_KIND: 'Pdf',
      SI_PARENTID: 500,
      SI_INSTANCE: 1,
      SI_SCHEDULE_STATUS: status,
      SI_ENDTIME: hoursAgo(hours),
      SI_FILES: { SI_NUM_FILES: 1, SI_FILE1: `~ce${id}.pdf`, SI_VALUE1: body.length },
      bytes: Buffer.from(body),
    });
  run(505, 1, 72);
  // A higher SI_ID that ended earlier: end time wins over the id.
  run(520, 1, 50);
  run(512, 1, 26);
  run(530, 3, 2);
  run(531, 0, 1);
  instances.add({
    SI_ID: 540,
    SI_NAME: 'Daily sales',
    SI_KIND: 'Webi',
    SI_PARENTID: 500,
    SI_INSTANCE: 1,
    SI_SCHEDULE_STATUS: 9,
    SI_RECURRING: 1,
  });
  // Another document's newer instance must never be picked.
  instances.add({ SI_ID: 600, SI_NAME: 'Other', SI_KIND: 'Webi', SI_INSTANCE: 0 });
  run(601, 1, 0.5);
  instances.objects.get(601)!.SI_PARENTID = 600;
}

describe('latest instance', () => {
  for (const ignoreOrder of [false, true]) {
    it(`delivers the newest successful instance as it is${ignoreOrder ? ' when the server ignores ORDER BY' : ''}`, async () => {
      fake = await startFakeBi();
      const instances = installInstances(fake);
      instances.ignoreOrder = ignoreOrder;
      history(instances);
      const events: BiEvent[] = [];
      source = createBiSource(connectionTo(fake), {
        retry: quickRetry,
        onEvent: (e) => events.push(e),
      });

      const exported = await source.export({
        document: { kind: 'id', id: 500 },
        format: 'pdf',
        from: 'latest-instance',
      });
      expect(exported.document).toMatchObject({ id: 500, cuid: 'DocSales', name: 'Daily sales' });
      expect(exported.instance).toMatchObject({ id: 512, cuid: 'Inst512' });
      expect(Date.now() - Date.parse(exported.instance!.endedAt!)).toBeGreaterThan(25 * 3_600_000);
      expect(exported.contentType).toBe('application/pdf');
      expect(await text(exported.body)).toBe('%PDF-1.7 instance 512');
      await exported.release();
      await exported.release();

      // The query filters on the parent and the status, never on the kind (§1.2).
      const query = instances.queries.find((q) => q.includes('SI_SCHEDULE_STATUS=1'))!;
      expect(query).toMatch(/SI_PARENTID=500 AND SI_INSTANCE=1 AND SI_SCHEDULE_STATUS=1/);
      expect(query).not.toMatch(/SI_KIND=/);
      expect(fake.requests.some((r) => r.path === '/infostore/folder/512/file')).toBe(true);
      expect(fake.requests.some((r) => r.path.startsWith('/raylight'))).toBe(false);

      await source.close();
      expect(fake.sessions.size).toBe(0);
      expect(events.filter((e) => e.type === 'logoff')).toHaveLength(1);
    });
  }

  it('accepts a Crystal report and takes its instance by path', async () => {
    fake = await startFakeBi();
    const instances = installInstances(fake);
    instances.add({
      SI_ID: 700,
      SI_CUID: 'Cr1',
      SI_NAME: 'Stock',
      SI_KIND: 'CrystalReport',
      SI_INSTANCE: 0,
    });
    instances.add({
      SI_ID: 701,
      SI_NAME: 'Stock',
      SI_KIND: 'Excel',
      SI_PARENTID: 700,
      SI_INSTANCE: 1,
      SI_SCHEDULE_STATUS: 1,
      SI_ENDTIME: hoursAgo(3),
      bytes: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2, 3]),
    });
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    const exported = await source.export({
      document: { kind: 'id', id: 700 },
      format: 'pdf',
      from: 'latest-instance',
    });
    expect(exported.instance?.id).toBe(701);
    expect(exported.contentType).toBe('application/vnd.ms-excel');
    expect((await exported.body.toArray()).length).toBeGreaterThan(0);
    await exported.release();

    // The refresh path still refuses what is not Web Intelligence.
    await expect(
      source.export({ document: { kind: 'id', id: 700 }, format: 'pdf' }),
    ).rejects.toMatchObject({ code: 'BI_DOCUMENT_NOT_FOUND' });
  });

  it('refuses an instance with several files with BI_INSTANCE_MULTI_FILE', async () => {
    fake = await startFakeBi();
    const instances = installInstances(fake);
    instances.add({ SI_ID: 800, SI_NAME: 'Extract', SI_KIND: 'Webi', SI_INSTANCE: 0 });
    instances.add({
      SI_ID: 801,
      SI_NAME: 'Extract',
      SI_KIND: 'Txt',
      SI_PARENTID: 800,
      SI_INSTANCE: 1,
      SI_SCHEDULE_STATUS: 1,
      SI_ENDTIME: hoursAgo(1),
      SI_FILES: { SI_NUM_FILES: 2, SI_FILE1: '~a.csv', SI_FILE2: '~b.csv' },
      bytes: Buffer.from('a,b\n'),
    });
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    await expect(
      source.export({ document: { kind: 'id', id: 800 }, format: 'csv', from: 'latest-instance' }),
    ).rejects.toMatchObject({ code: 'BI_INSTANCE_MULTI_FILE' });
    expect(source.openSessions()).toBe(1);
    await source.close();
    expect(fake.sessions.size).toBe(0);
  });
});
