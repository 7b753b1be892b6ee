import { describe, expect, it } from 'vitest';

import { planPublication } from '../../src/publish/index.js';
import { FakeSource, publication } from './fakes.js';

const now = new Date('2026-03-15T10:20:30');

describe('planning: documents, formats, reports and bursting', () => {
  it('bursts a prompt list into one delivery per value', async () => {
    const pub = publication(`documents:
  - id: 101
prompts:
  Region: [EMEA, APAC, AMER]
to: out:/R/{document} - {Region}.{ext}`);
    const plan = await planPublication('daily', pub, new FakeSource(), { now });

    expect(plan.destination).toBe('out');
    expect(plan.deliveries.map((d) => d.target)).toEqual([
      '/R/Sales - EMEA.pdf',
      '/R/Sales - APAC.pdf',
      '/R/Sales - AMER.pdf',
    ]);
    expect(plan.deliveries.map((d) => d.prompts)).toEqual([
      { Region: 'EMEA' },
      { Region: 'APAC' },
      { Region: 'AMER' },
    ]);
  });

  it('multiplies several burst prompts and formats', async () => {
    const pub = publication(`documents:
  - id: 101
formats: [pdf, xlsx]
prompts:
  Region: [EMEA, APAC]
  Year: [2025, 2026]
  Currency: EUR
to: out:/R/{Region}/{Year}/{document}-{Currency}.{ext}`);
    const plan = await planPublication('daily', pub, new FakeSource(), { now });

    expect(plan.deliveries).toHaveLength(8);
    expect(new Set(plan.deliveries.map((d) => d.key)).size).toBe(8);
    expect(plan.deliveries[0]).toMatchObject({
      format: 'pdf',
      prompts: { Region: 'EMEA', Year: '2025', Currency: 'EUR' },
      target: '/R/EMEA/2025/Sales-EUR.pdf',
    });
    expect(plan.deliveries.at(-1)!.target).toBe('/R/APAC/2026/Sales-EUR.xlsx');
  });

  it('expands folders (recursive or not) and queries, and lists each document once', async () => {
    const pub = publication(`documents:
  - id: 102
    formats: [csv]
  - folder: /Sales
    recursive: true
  - query: "SELECT * WHERE name = 'Budget'"
to: out:/{document}.{ext}`);
    const plan = await planPublication('daily', pub, new FakeSource(), { now });

    expect(plan.deliveries.map((d) => d.target)).toEqual([
      '/Stock.csv',
      '/Sales.pdf',
      '/Budget.pdf',
    ]);
  });

  it('makes one delivery per report with reports: each, and per named report otherwise', async () => {
    const each = publication(`documents:
  - cuid: AaSales
reports: each
to: out:/{document}/{report}.{ext}`);
    const named = publication(`documents:
  - path: /Sales/Daily/Sales
    reports: [Detail]
to: out:/{document}/{report}.{ext}`);

    const a = await planPublication('daily', each, new FakeSource(), { now });
    const b = await planPublication('daily', named, new FakeSource(), { now });

    expect(a.deliveries.map((d) => [d.report, d.target])).toEqual([
      ['Summary', '/Sales/Summary.pdf'],
      ['Detail', '/Sales/Detail.pdf'],
    ]);
    expect(b.deliveries.map((d) => d.target)).toEqual(['/Sales/Detail.pdf']);
  });

  it('lets a document override the publication prompts', async () => {
    const pub = publication(`documents:
  - id: 101
  - id: 102
    prompts:
      Region: NORDICS
prompts:
  Region: [EMEA, APAC]
to: out:/{document}-{Region}.{ext}`);
    const plan = await planPublication('daily', pub, new FakeSource(), { now });

    expect(plan.deliveries.map((d) => d.target)).toEqual([
      '/Sales-EMEA.pdf',
      '/Sales-APAC.pdf',
      '/Stock-NORDICS.pdf',
    ]);
  });

  it('gives the same keys to the same plan made at another time', async () => {
    const pub = publication(`documents:
  - folder: /Sales/Daily
prompts:
  Region: [EMEA, APAC]
to: out:/{date}/{document}-{Region}.{ext}`);
    const a = await planPublication('daily', pub, new FakeSource(), { now });
    const b = await planPublication('daily', pub, new FakeSource(), {
      now: new Date('2026-03-15T23:00:00'),
    });

    expect(a.deliveries.map((d) => d.key)).toEqual(b.deliveries.map((d) => d.key));
  });

  it('fails with the source error when a named document does not exist', async () => {
    const pub = publication(`documents:
  - id: 999
to: out:/{document}.{ext}`);

    await expect(planPublication('daily', pub, new FakeSource(), { now })).rejects.toMatchObject({
      code: 'BI_DOCUMENT_NOT_FOUND',
    });
  });
});

describe('planning: the way out of the BI platform', () => {
  it('carries from/maxAge/keepInstance/scheduleTimeout, a document overriding its publication', async () => {
    const pub = publication(`documents:
  - id: 101
  - id: 102
    from: schedule
    scheduleTimeout: 2h
    keepInstance: true
from: latest-instance
maxAge: 26h
to: out:/{document}.{ext}`);
    const plan = await planPublication('daily', pub, new FakeSource(), { now });

    expect(plan.deliveries.map((d) => d.origin)).toEqual([
      { from: 'latest-instance', maxAgeMs: 26 * 3600_000 },
      {
        from: 'schedule',
        maxAgeMs: 26 * 3600_000,
        keepInstance: true,
        scheduleTimeoutMs: 2 * 3600_000,
      },
    ]);
  });
});
