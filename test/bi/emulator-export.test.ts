import { buffer } from 'node:stream/consumers';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBiSource, type BiSource, type PromptInfo } from '../../src/bi/index.js';
import { demoCredentials, sampleDocuments, startBiEmulator } from '../../src/emulators/bi/index.js';
import { pdfText } from './pdf-text.js';

type Emulator = Awaited<ReturnType<typeof startBiEmulator>>;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startBiEmulator();
});
afterAll(async () => {
  await emulator.close();
});

const connection = () => ({
  url: emulator.url,
  username: demoCredentials.username,
  password: demoCredentials.password,
  auth: demoCredentials.auth,
  sessions: 2,
});
const quick = { retries: 6, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1000, jitter: 0 };

/** Answers every prompt with the value at `index` of its list (or the last one). */
async function answers(source: BiSource, id: number, index: number) {
  const prompts: PromptInfo[] = await source.listPrompts({ kind: 'id', id });
  const out: Record<string, string[]> = {};
  for (const prompt of prompts) {
    if (prompt.dependsOn?.length) continue;
    const value = prompt.values[Math.min(index, prompt.values.length - 1)];
    if (value !== undefined) out[prompt.name] = [value];
  }
  return { prompts, answers: out };
}

/** Exports with answers; cascading prompts get the first value of the list unlocked by parents. */
async function exportPdf(source: BiSource, id: number, answersFor: Record<string, string[]>) {
  const exported = await source.export({
    document: { kind: 'id', id },
    format: 'pdf',
    prompts: answersFor,
  });
  try {
    return { bytes: await buffer(exported.body), exported };
  } finally {
    await exported.release();
  }
}

describe('BI client against the BI emulator', () => {
  it('finds the sample documents by folder, id, CUID and path', async () => {
    const source = createBiSource(connection(), { retry: quick });
    try {
      const all = await source.findDocuments({ folder: '/', recursive: true });
      for (const sample of sampleDocuments) {
        expect(all.map((d) => d.id)).toContain(sample.id);
        const byId = await source.resolveDocument({ kind: 'id', id: sample.id });
        expect(byId).toMatchObject({ id: sample.id, cuid: sample.cuid, name: sample.name });
        const byCuid = await source.resolveDocument({ kind: 'cuid', cuid: sample.cuid });
        expect(byCuid.id).toBe(sample.id);
        const path = `${sample.folder.replace(/\/$/, '')}/${sample.name}`;
        expect((await source.resolveDocument({ kind: 'path', path })).id).toBe(sample.id);
        expect(await source.listReports({ kind: 'id', id: sample.id })).toEqual(
          sample.reports.map((r: string | { name: string }) =>
            typeof r === 'string' ? r : r.name,
          ),
        );
      }
      const inFolder = await source.findDocuments({ folder: sampleDocuments[0]!.folder });
      expect(inFolder.map((d) => d.id)).toContain(sampleDocuments[0]!.id);
    } finally {
      await source.close();
    }
    expect(emulator.stats().openSessions).toBe(0);
    expect(emulator.stats().openDocuments).toBe(0);
  });

  it('exports differ with different prompt answers, and the PDF text shows the answer', async () => {
    const prompted = sampleDocuments.find((d) => (d.prompts?.length ?? 0) > 0)!;
    const source = createBiSource(connection(), { retry: quick });
    try {
      const first = await answers(source, prompted.id, 0);
      const second = await answers(source, prompted.id, 1);
      const a = await exportPdf(source, prompted.id, first.answers);
      const b = await exportPdf(source, prompted.id, second.answers);
      expect(a.exported.contentType).toMatch(/^application\/pdf/);
      expect(Buffer.compare(a.bytes, b.bytes)).not.toBe(0);
      const value = Object.values(first.answers)[0]![0]!;
      expect(await pdfText(a.bytes)).toContain(value);
    } finally {
      await source.close();
    }
    expect(emulator.stats().openSessions).toBe(0);
    expect(emulator.stats().openDocuments).toBe(0);
  });

  it('leaves no session open after faults mid-export', async () => {
    const sample =
      sampleDocuments.find((d) => (d.prompts?.length ?? 0) === 0) ?? sampleDocuments[0]!;
    let retries = 0;
    const source = createBiSource(connection(), {
      retry: quick,
      onEvent: (e) => void (e.type === 'retry' && retries++),
    });
    try {
      const { answers: given } = await answers(source, sample.id, 0);
      emulator.setFaults({ dropRate: 0.2, serverErrorRate: 0.2 });
      for (let i = 0; i < 5; i++) {
        await exportPdf(source, sample.id, given).catch(() => undefined);
      }
    } finally {
      emulator.setFaults({ dropRate: 0, serverErrorRate: 0 });
      await source.close();
    }
    expect(retries).toBeGreaterThan(0);
    expect(emulator.stats().openSessions).toBe(0);
  });

  it('logs on again after the server expired every session', async () => {
    const source = createBiSource(connection(), { retry: quick });
    try {
      const sample = sampleDocuments[0]!;
      const { answers: given } = await answers(source, sample.id, 0);
      emulator.expireAllSessions();
      const { bytes } = await exportPdf(source, sample.id, given);
      expect(bytes.length).toBeGreaterThan(0);
      expect(source.openSessions()).toBe(1);
    } finally {
      await source.close();
    }
    expect(emulator.stats().openSessions).toBe(0);
  });

  it('exports every format, whole and per report, never over the session limit', async () => {
    const source = createBiSource(connection(), { retry: quick });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, emulator.stats().openSessions)), 2);
    try {
      const sample = sampleDocuments[0]!;
      const { answers: given, prompts } = await answers(source, sample.id, 0);
      const reports = await source.listReports({ kind: 'id', id: sample.id });
      const jobs = (['pdf', 'xlsx', 'xls', 'csv'] as const).flatMap((format) =>
        [undefined, reports.at(-1)].map(async (report) => {
          const exported = await source.export({
            document: { kind: 'id', id: sample.id },
            format,
            ...(report !== undefined && { report }),
            prompts: given,
          });
          const bytes = await buffer(exported.body);
          await exported.release();
          return { format, contentType: exported.contentType, size: bytes.length };
        }),
      );
      const results = await Promise.all(jobs);
      for (const result of results) {
        expect(result.size).toBeGreaterThan(0);
        expect(result.contentType.split(';')[0]).toBe(
          {
            pdf: 'application/pdf',
            xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            xls: 'application/vnd.ms-excel',
            csv: 'text/csv',
          }[result.format],
        );
      }
      expect(prompts.every((p) => typeof p.name === 'string')).toBe(true);
    } finally {
      clearInterval(sampler);
      await source.close();
    }
    expect(peak).toBeLessThanOrEqual(2);
    expect(emulator.stats().openSessions).toBe(0);
    expect(emulator.stats().openDocuments).toBe(0);
  });
});
