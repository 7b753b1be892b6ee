import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiSource } from '../../src/bi/index.js';
import { parseBiDate } from '../../src/bi/instance-status.js';
import { connectionTo, quickRetry, startFakeBi, type FakeBi } from './fake-bi.js';
import { hoursAgo, installInstances, type InstanceFake } from './instances-fake.js';

let fake: FakeBi | undefined;
let source: BiSource | undefined;

afterEach(async () => {
  await source?.close();
  source = undefined;
  await fake?.close();
  fake = undefined;
});

async function documentEndedAt(ended: string): Promise<InstanceFake> {
  fake = await startFakeBi();
  const instances = installInstances(fake);
  instances.add({ SI_ID: 500, SI_NAME: 'Daily sales', SI_KIND: 'Webi', SI_INSTANCE: 0 });
  instances.add({
    SI_ID: 501,
    SI_NAME: 'Daily sales',
    SI_KIND: 'Pdf',
    SI_PARENTID: 500,
    SI_INSTANCE: 1,
    SI_SCHEDULE_STATUS: 1,
    SI_ENDTIME: ended,
    bytes: Buffer.from('%PDF-1.4'),
  });
  source = createBiSource(connectionTo(fake), { retry: quickRetry });
  return instances;
}

const day = 86_400_000;

describe('maxAge', () => {
  it('delivers an instance younger than maxAge', async () => {
    await documentEndedAt(hoursAgo(20));
    const exported = await source!.export({
      document: { kind: 'id', id: 500 },
      format: 'pdf',
      from: 'latest-instance',
      maxAgeMs: day,
    });
    expect(exported.instance?.id).toBe(501);
    await exported.release();
  });

  it('refuses an older one with BI_INSTANCE_TOO_OLD and downloads nothing', async () => {
    await documentEndedAt(hoursAgo(30));
    await expect(
      source!.export({
        document: { kind: 'id', id: 500 },
        format: 'pdf',
        from: 'latest-instance',
        maxAgeMs: day,
      }),
    ).rejects.toMatchObject({
      code: 'BI_INSTANCE_TOO_OLD',
      message: expect.stringMatching(/instance 501, ended .* is 30 h old, more than 24 h/),
    });
    expect(fake!.requests.some((r) => r.path.endsWith('/file'))).toBe(false);
    await source!.close();
    expect(fake!.sessions.size).toBe(0);
  });

  it('refuses an end time it cannot read rather than guess', async () => {
    await documentEndedAt('yesterday morning');
    await expect(
      source!.export({
        document: { kind: 'id', id: 500 },
        format: 'pdf',
        from: 'latest-instance',
        maxAgeMs: day,
      }),
    ).rejects.toMatchObject({ code: 'BI_INSTANCE_TOO_OLD', message: /could not be read/ });
  });

  it('reads the date formats the platform sends', () => {
    expect(parseBiDate('17.09.2019 06:02')).toEqual(new Date(2019, 8, 17, 6, 2));
    expect(parseBiDate('7.9.2019 6:02:30')).toEqual(new Date(2019, 8, 7, 6, 2, 30));
    expect(parseBiDate('9/17/2019 6:02 PM')).toEqual(new Date(2019, 8, 17, 18, 2));
    expect(parseBiDate('9/17/19 12:05 AM')).toEqual(new Date(2019, 8, 17, 0, 5));
    expect(parseBiDate('2019-09-17T06:02:00.000+02:00')).toEqual(
      new Date('2019-09-17T04:02:00.000Z'),
    );
    expect(parseBiDate('32.01.2019 06:02')).toBeUndefined();
    expect(parseBiDate('soon')).toBeUndefined();
  });
});
