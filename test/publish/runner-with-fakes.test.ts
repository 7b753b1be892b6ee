import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { registerSecret } from '../../src/core/index.js';
import { fakeBytes } from './fakes.js';
import { harness, source } from './run-helpers.js';

const eight = `documents:
  - folder: /Sales/Daily
formats: [pdf, csv]
prompts:
  Region: [EMEA, APAC]
to: out:/R/{document}-{Region}.{ext}`;

describe('runner with a fake source and the folder destination', () => {
  it('delivers every planned file, streaming, and never more at once than the bound', async () => {
    const h = await harness();
    const fake = source({ delayMs: 40, size: 64 * 1024 });

    const result = await h.run(eight, fake, { concurrency: 3 });

    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ total: 8, delivered: 8, failed: 0 });
    expect(fake.maxActive).toBe(3);
    expect(fake.released).toBe(8);
    expect(fake.closed).toBe(1);
    expect((await readdir(path.join(h.out, 'R'))).sort()).toEqual([
      'Sales-APAC.csv',
      'Sales-APAC.pdf',
      'Sales-EMEA.csv',
      'Sales-EMEA.pdf',
      'Stock-APAC.csv',
      'Stock-APAC.pdf',
      'Stock-EMEA.csv',
      'Stock-EMEA.pdf',
    ]);
    const head = fakeBytes({
      document: { kind: 'id', id: 101 },
      format: 'csv',
      prompts: { Region: ['APAC'] },
    });
    const written = await readFile(path.join(h.out, 'R/Sales-APAC.csv'));
    expect(written.subarray(0, head.length).equals(head)).toBe(true);
    expect(written.length).toBe(64 * 1024);
    expect(result.events.filter((e) => e.type === 'delivery-progress').length).toBeGreaterThan(8);
    expect(result.events.map((e) => e.type).at(0)).toBe('run-start');
    expect(result.events.map((e) => e.type).at(-1)).toBe('run-end');
  });

  it('records a failure, delivers the rest, and ends as failed', async () => {
    const h = await harness();
    registerSecret('s3cr3t-logon-token');
    const fake = source({ failing: [102] });
    fake.export = ((original) => async (request) => {
      if (
        request.document.kind === 'id' &&
        request.document.id === 102 &&
        request.format === 'csv'
      ) {
        const { BiError } = await import('../../src/core/index.js');
        throw new BiError('BI_EXPORT_FAILED', 'Export refused for token s3cr3t-logon-token');
      }
      return original(request);
    })(fake.export.bind(fake));

    const result = await h.run(eight, fake);

    expect(result.status).toBe('failed');
    expect(result.counts).toMatchObject({ total: 8, delivered: 4, failed: 4 });
    const failed = result.results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.delivery.document.id)).toEqual([102, 102, 102, 102]);
    expect(failed[0]!.error).toMatchObject({ code: 'BI_EXPORT_FAILED' });

    const rows = h.history.deliveries(result.runId).filter((r) => r.status === 'failed');
    expect(rows.map((r) => r.errorCode)).toEqual(Array(4).fill('BI_EXPORT_FAILED'));
    expect(JSON.stringify(rows)).not.toContain('s3cr3t-logon-token');
    expect(JSON.stringify(rows)).toContain('[redacted]');
    expect(fake.closed).toBe(1);
  });

  it('skips an empty report with skipEmpty and says so', async () => {
    const h = await harness();
    const result = await h.run(
      `documents:
  - id: 101
  - id: 102
skipEmpty: true
to: out:/{document}.{ext}`,
      source({ rows: { 102: 0 } }),
    );

    expect(result.status).toBe('succeeded');
    expect(result.results.map((r) => [r.delivery.document.name, r.status])).toEqual([
      ['Sales', 'delivered'],
      ['Stock', 'empty'],
    ]);
    expect(await readdir(h.out)).toEqual(['Sales.pdf']);
    expect(h.history.getRun(result.runId)).toMatchObject({ empty: 1, delivered: 1 });
  });

  it('uploads nothing the second time when content is unchanged', async () => {
    const h = await harness();
    const first = await h.run(eight, source());
    const second = await h.run(eight, source());

    expect(first.counts.delivered).toBe(8);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toMatchObject({ delivered: 0, unchanged: 8 });
  });

  it('stops on abort: no partial file, source closed, run interrupted', async () => {
    const h = await harness();
    const controller = new AbortController();
    const fake = source({ delayMs: 400, size: 1024 * 1024 });
    setTimeout(() => controller.abort(), 100);

    const result = await h.run(eight, fake, { signal: controller.signal, concurrency: 2 });

    expect(result.status).toBe('interrupted');
    expect(result.counts).toMatchObject({ total: 8, delivered: 0, interrupted: 8 });
    expect(fake.closed).toBe(1);
    expect(fake.released).toBe(fake.exports);
    const files = await readdir(path.join(h.out, 'R')).catch(() => []);
    expect(files).toEqual([]);
    expect(h.history.getRun(result.runId)!.status).toBe('interrupted');
    expect(h.history.deliveries(result.runId).map((r) => r.status)).toEqual(
      Array(8).fill('interrupted'),
    );
  });

  it('fails the run when planning fails, and records why', async () => {
    const h = await harness();
    const fake = source();
    const run = h.run(
      `documents:
  - id: 101
prompts:
  Region: [A, B]
to: out:/{document}.{ext}`,
      fake,
    );

    await expect(run).rejects.toMatchObject({ code: 'RUN_PATH_COLLISION' });
    const [row] = h.history.listRuns();
    expect(row).toMatchObject({ status: 'failed', publication: 'daily' });
    expect(row!.error).toContain('RUN_PATH_COLLISION');
    expect(fake.closed).toBe(1);
  });

  it('asks the source for each delivery with its prompts, report and way out', async () => {
    const h = await harness();
    const fake = source();
    const requests: unknown[] = [];
    const original = fake.export.bind(fake);
    fake.export = (request) => {
      const { signal: _signal, ...rest } = request;
      requests.push(rest);
      return original(request);
    };

    await h.run(
      `documents:
  - id: 101
    reports: [Detail]
from: schedule
keepInstance: true
scheduleTimeout: 2h
prompts:
  Region: EMEA
to: out:/{document}.{ext}`,
      fake,
    );

    expect(requests).toEqual([
      {
        document: { kind: 'id', id: 101 },
        format: 'pdf',
        report: 'Detail',
        prompts: { Region: ['EMEA'] },
        countRows: false,
        from: 'schedule',
        keepInstance: true,
        scheduleTimeoutMs: 2 * 3_600_000,
      },
    ]);
  });
});
