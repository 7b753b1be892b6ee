/**
 * Planning deliveries whose type the source chooses: latest-instance names any kind of object,
 * is delivered once whatever the formats, and its {ext} waits for the export; collision checks
 * count every extension such a target could end in.
 */
import { describe, expect, it } from 'vitest';

import type { DocumentInfo, DocumentRef } from '../../src/core/index.js';
import { finalTarget, planPublication, type Catalog } from '../../src/publish/index.js';
import { publication } from './fakes.js';

const objects: Record<number, DocumentInfo> = {
  1: { id: 1, cuid: 'C1', name: 'Daily Sales' },
  2: { id: 2, cuid: 'C2', name: 'Legacy Invoices' },
  3: { id: 3, cuid: 'C3', name: 'Daily Sales' },
};
const webi = new Set([1, 3]);

function byId(ref: DocumentRef): DocumentInfo {
  const found = ref.kind === 'id' ? objects[ref.id] : undefined;
  if (!found) throw new Error(`unknown ${JSON.stringify(ref)}`);
  return found;
}

const catalog: Catalog = {
  findDocuments: () => Promise.resolve([]),
  resolveDocument: (ref) => {
    const found = byId(ref);
    if (!webi.has(found.id)) return Promise.reject(new Error('not a Webi document'));
    return Promise.resolve(found);
  },
  resolveObject: (ref) => Promise.resolve(byId(ref)),
  listReports: () => Promise.resolve(['Summary', 'Detail']),
};

describe('planning latest-instance and schedule deliveries', () => {
  it('resolves a Crystal report, plans one as-is delivery per object and leaves {ext} open', async () => {
    const config = publication(`    from: latest-instance
    formats: [pdf, xlsx]
    reports: each
    prompts:
      Region: [EMEA, APAC]
    documents:
      - id: 1
      - id: 2
    to: out:/Reports/{document}.{ext}`);

    const plan = await planPublication('daily', config, catalog);

    expect(plan.deliveries.map((d) => [d.document.name, d.format, d.target])).toEqual([
      ['Daily Sales', 'as-is', '/Reports/Daily Sales.{ext}'],
      ['Legacy Invoices', 'as-is', '/Reports/Legacy Invoices.{ext}'],
    ]);
    expect(plan.deliveries.every((d) => d.typedBySource && d.report === undefined)).toBe(true);
    const crystal = plan.deliveries[1]!;
    expect(finalTarget('daily', config, crystal, plan.plannedAt, 'rpt')).toBe(
      '/Reports/Legacy Invoices.rpt',
    );
  });

  it('a refresh entry still refuses what is not a Webi document', async () => {
    const config = publication(`    documents:
      - id: 2
    to: out:/Reports/{document}.{ext}`);

    await expect(planPublication('daily', config, catalog)).rejects.toThrow('not a Webi document');
  });

  it('throws RUN_PATH_COLLISION when an instance could land on a refreshed file', async () => {
    const config = publication(`    formats: [xlsx]
    documents:
      - id: 1
        from: latest-instance
      - id: 3
    to: out:/Reports/{document}.{ext}`);

    await expect(planPublication('daily', config, catalog)).rejects.toMatchObject({
      code: 'RUN_PATH_COLLISION',
      message: expect.stringContaining('/Reports/Daily Sales.xlsx'),
    });
  });

  it('schedule deliveries of two formats do not collide; {ext} follows the output', async () => {
    const config = publication(`    from: schedule
    formats: [pdf, csv]
    documents:
      - id: 1
    to: out:/Reports/{document}.{ext}`);

    const plan = await planPublication('daily', config, catalog);

    expect(plan.deliveries.map((d) => [d.format, d.target])).toEqual([
      ['pdf', '/Reports/Daily Sales.{ext}'],
      ['csv', '/Reports/Daily Sales.{ext}'],
    ]);
    expect(finalTarget('daily', config, plan.deliveries[1]!, plan.plannedAt, 'csv')).toBe(
      '/Reports/Daily Sales.csv',
    );
  });
});
