import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiSource } from '../../src/bi/index.js';
import { BiError } from '../../src/core/index.js';
import { connectionTo, quickRetry, startFakeBi, type FakeBi } from './fake-bi.js';
import { hoursAgo, installInstances } from './instances-fake.js';

let fake: FakeBi;
let source: BiSource | undefined;

afterEach(async () => {
  await source?.close();
  source = undefined;
  await fake?.close();
});

describe('no successful instance', () => {
  it('throws BI_NO_INSTANCE carrying the newest failure status and message', async () => {
    fake = await startFakeBi();
    const instances = installInstances(fake);
    instances.add({ SI_ID: 500, SI_NAME: 'Daily sales', SI_KIND: 'Webi', SI_INSTANCE: 0 });
    instances.add({
      SI_ID: 501,
      SI_NAME: 'Daily sales',
      SI_KIND: 'Pdf',
      SI_PARENTID: 500,
      SI_INSTANCE: 1,
      SI_SCHEDULE_STATUS: 3,
      SI_ENDTIME: hoursAgo(30),
      SI_STATUSINFO: { SI_SUBST_STRINGS: { SI_TOTAL: 1, '1': 'Old failure' } },
    });
    instances.add({
      SI_ID: 502,
      SI_NAME: 'Daily sales',
      SI_KIND: 'Pdf',
      SI_PARENTID: 500,
      SI_INSTANCE: 1,
      SI_SCHEDULE_STATUS: 3,
      SI_ENDTIME: hoursAgo(6),
      SI_STATUSINFO: 'FWB 00031 Destination disabled.',
    });
    instances.add({
      SI_ID: 503,
      SI_NAME: 'Daily sales',
      SI_KIND: 'Pdf',
      SI_PARENTID: 500,
      SI_INSTANCE: 1,
      SI_SCHEDULE_STATUS: 0,
    });
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    const error = await source
      .export({ document: { kind: 'id', id: 500 }, format: 'pdf', from: 'latest-instance' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BiError);
    expect(error).toMatchObject({ code: 'BI_NO_INSTANCE' });
    const message = (error as BiError).message;
    expect(message).toContain('"Daily sales" (id 500) has no successful instance');
    expect(message).toContain('instance 502');
    expect(message).toContain('failed: FWB 00031 Destination disabled.');
    expect(message).not.toContain('Old failure');
    expect((error as BiError).hint).toMatch(/from: schedule/);

    await source.close();
    expect(fake.sessions.size).toBe(0);
  });

  it('says only that there is none when the object never ran', async () => {
    fake = await startFakeBi();
    const instances = installInstances(fake);
    instances.add({ SI_ID: 510, SI_NAME: 'Never run', SI_KIND: 'CrystalReport', SI_INSTANCE: 0 });
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    await expect(
      source.export({ document: { kind: 'id', id: 510 }, format: 'pdf', from: 'latest-instance' }),
    ).rejects.toMatchObject({
      code: 'BI_NO_INSTANCE',
      message: '"Never run" (id 510) has no successful instance',
    });
  });

  it('reports an unknown object as BI_DOCUMENT_NOT_FOUND', async () => {
    fake = await startFakeBi();
    installInstances(fake);
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    await expect(
      source.export({ document: { kind: 'id', id: 999 }, format: 'pdf', from: 'latest-instance' }),
    ).rejects.toMatchObject({ code: 'BI_DOCUMENT_NOT_FOUND' });
  });
});
