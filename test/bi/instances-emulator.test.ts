/**
 * The instance and schedule ways out against the BI emulator (src/emulators/bi), which was
 * written from the same API note by someone else: a misreading on either side shows up here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBiSource, type BiSource, type PromptInfo } from '../../src/bi/index.js';
import {
  demoCredentials,
  sampleInstances,
  startBiEmulator,
  type BiEmulator,
} from '../../src/emulators/bi/index.js';

let emulator: BiEmulator;

beforeAll(async () => {
  emulator = await startBiEmulator({ schedule: { pendingMs: 30, runMs: 100 } });
});
afterAll(async () => {
  await emulator.close();
});

const quick = { retries: 6, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1000, jitter: 0 };
const polling = { firstMs: 20, maxMs: 50 };

async function withSource<T>(run: (source: BiSource) => Promise<T>): Promise<T> {
  const source = createBiSource(
    {
      url: emulator.url,
      username: demoCredentials.username,
      password: demoCredentials.password,
      auth: demoCredentials.auth,
      sessions: 2,
    },
    { retry: quick, schedulePolling: polling },
  );
  try {
    return await run(source);
  } finally {
    await source.close();
    expect(emulator.stats().openSessions).toBe(0);
  }
}

async function firstAnswers(source: BiSource, id: number): Promise<Record<string, string[]>> {
  const prompts: PromptInfo[] = await source.listPrompts({ kind: 'id', id });
  const out: Record<string, string[]> = {};
  for (const prompt of prompts) {
    if (prompt.values[0] !== undefined) out[prompt.name] = [prompt.values[0]];
  }
  return out;
}

describe('instances against the BI emulator', () => {
  it('delivers the newest successful instance of a Webi document and of a Crystal report', async () => {
    await withSource(async (source) => {
      for (const [objectId, instanceId] of Object.entries(sampleInstances.latestSuccessful)) {
        const exported = await source.export({
          document: { kind: 'id', id: Number(objectId) },
          format: 'pdf',
          from: 'latest-instance',
        });
        expect(exported.instance?.id, `object ${objectId}`).toBe(instanceId);
        const bytes = Buffer.concat(await exported.body.toArray());
        expect(bytes.length).toBeGreaterThan(0);
        expect(exported.contentType).toMatch(/pdf|excel|spreadsheet|csv/);
        await exported.release();
      }
    });
  });

  it('delivers uploaded PDF and Excel files as themselves, with their sniffed types', async () => {
    await withSource(async (source) => {
      const pdf = await source.export({
        document: { kind: 'id', id: sampleInstances.uploaded.pdf },
        format: 'pdf',
        from: 'latest-instance',
      });
      expect(pdf.contentType).toBe('application/pdf');
      expect(
        Buffer.concat(await pdf.body.toArray())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
      await pdf.release();

      const excel = await source.export({
        document: { kind: 'id', id: sampleInstances.uploaded.excel },
        format: 'xlsx',
        from: 'latest-instance',
      });
      expect(excel.contentType).toMatch(/spreadsheetml|ms-excel/);
      await excel.body.toArray();
      await excel.release();
    });
  });

  it('refuses an old instance and a document without one', async () => {
    await withSource(async (source) => {
      await expect(
        source.export({
          document: { kind: 'id', id: 6001 },
          format: 'pdf',
          from: 'latest-instance',
          maxAgeMs: 60_000,
        }),
      ).rejects.toMatchObject({ code: 'BI_INSTANCE_TOO_OLD' });
      await expect(
        source.export({
          document: { kind: 'id', id: 6004 },
          format: 'pdf',
          from: 'latest-instance',
        }),
      ).rejects.toMatchObject({ code: 'BI_NO_INSTANCE' });
    });
  });

  it('runs a Webi document on the platform, delivers the run and deletes it', async () => {
    const before = emulator.stats();
    await withSource(async (source) => {
      const prompts = await firstAnswers(source, 6001);
      const exported = await source.export({
        document: { kind: 'id', id: 6001 },
        format: 'pdf',
        prompts,
        from: 'schedule',
      });
      const bytes = Buffer.concat(await exported.body.toArray());
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      await exported.release();
    });
    const after = emulator.stats();
    expect(after.instancesCreated - before.instancesCreated).toBe(1);
    expect(after.instancesDeleted - before.instancesDeleted).toBe(1);
  });

  it('runs a Crystal report through the platform form', async () => {
    await withSource(async (source) => {
      const exported = await source.export({
        document: { kind: 'id', id: 6090 },
        format: 'pdf',
        from: 'schedule',
        keepInstance: true,
      });
      expect(exported.instance?.id).toBeGreaterThan(0);
      await exported.body.toArray();
      await exported.release();
    });
  });

  it('reports a failed run with the platform message, and cancels a run past its deadline', async () => {
    await withSource(async (source) => {
      const prompts = await firstAnswers(source, 6001);
      emulator.setSchedule({ failNext: 'Database error: table SALES is locked. (WIS 10901)' });
      await expect(
        source.export({
          document: { kind: 'id', id: 6001 },
          format: 'pdf',
          prompts,
          from: 'schedule',
        }),
      ).rejects.toMatchObject({
        code: 'BI_SCHEDULE_FAILED',
        message: expect.stringContaining('table SALES is locked'),
      });

      emulator.setSchedule({ runMs: Infinity });
      const before = emulator.stats().instancesDeleted;
      try {
        await expect(
          source.export({
            document: { kind: 'id', id: 6001 },
            format: 'pdf',
            prompts,
            from: 'schedule',
            scheduleTimeoutMs: 400,
          }),
        ).rejects.toMatchObject({ code: 'BI_SCHEDULE_TIMEOUT' });
      } finally {
        emulator.setSchedule({ runMs: 100 });
      }
      expect(emulator.stats().instancesDeleted - before).toBe(1);
    });
  });

  it('lists the recurring schedules with a cron for each', async () => {
    await withSource(async (source) => {
      const schedules = await source.listRecurringSchedules();
      const ids = schedules.map((s) => s.id).sort();
      expect(ids).toEqual(Object.values(sampleInstances.recurring).sort());
      for (const schedule of schedules) {
        expect(schedule.translation, `${schedule.id} ${schedule.recurrence}`).toHaveProperty(
          'cron',
        );
      }
    });
  });
});
