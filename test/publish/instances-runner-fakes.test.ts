/**
 * The runner's side of latest-instance with a fake source (fast, no emulator): the real type sets
 * {ext}; an instance the target already received is "unchanged" even from a source that ignores
 * unlessInstance; BI_NO_INSTANCE is a "no-instance" outcome, never retried, that fails the run.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { BiError, type ExportRequest } from '../../src/core/index.js';
import { harness, source } from './run-helpers.js';

const config = `documents:
  - id: 101
  - id: 102
from: latest-instance
to: out:/{document}.{ext}`;

/** A fake whose 101 has instance 7 (a CSV file) and whose 102 has none. */
function instanceSource(instanceId: () => number) {
  const fake = source();
  const requests: ExportRequest[] = [];
  const original = fake.export.bind(fake);
  fake.export = async (request) => {
    requests.push(request);
    if (request.document.kind === 'id' && request.document.id === 102) {
      throw new BiError('BI_NO_INSTANCE', '"Stock" (id 102) has no successful instance', {
        hint: 'Schedule it.',
      });
    }
    const exported = await original(request);
    return {
      ...exported,
      contentType: 'text/csv; charset=utf-8',
      instance: { id: instanceId(), endedAt: '2026-12-01T06:00:00.000Z' },
    };
  };
  return { fake, requests };
}

describe('runner with latest-instance deliveries', () => {
  it('names the file by its type, skips the same instance, reports no-instance and fails', async () => {
    const h = await harness();
    let instance = 7;
    const { fake, requests } = instanceSource(() => instance);

    const first = await h.run(config, fake);

    expect(first.status).toBe('failed');
    expect(first.counts).toMatchObject({ delivered: 1, noInstance: 1, failed: 0, total: 2 });
    expect(first.results.map((r) => [r.status, r.path ?? r.delivery.target])).toEqual([
      ['delivered', '/Sales.csv'],
      ['no-instance', '/Stock.{ext}'],
    ]);
    expect(first.results[1]!.error).toMatchObject({ code: 'BI_NO_INSTANCE' });
    expect(first.events.some((e) => e.type === 'delivery-retry')).toBe(false);
    expect(await readFile(path.join(h.out, 'Sales.csv'), 'utf8')).toContain('doc=101');
    expect(requests.filter((r) => r.document.kind === 'id' && r.document.id === 102)).toHaveLength(
      1,
    );

    const second = await h.run(config, fake);

    expect(requests.at(-2)).toMatchObject({
      unlessInstance: { id: 7, endedAt: '2026-12-01T06:00:00.000Z' },
    });
    expect(second.results[0]).toMatchObject({ status: 'unchanged', path: '/Sales.csv' });
    expect(fake.released).toBe(fake.exports);

    instance = 8;
    const third = await h.run(config, fake);

    // A new instance is streamed again; its bytes equal the file's, so the destination's hash
    // compare finds it unchanged, and history now remembers instance 8.
    expect(third.results[0]).toMatchObject({ status: 'unchanged', instance: { id: 8 } });
    expect(fake.exports).toBe(3);
    const rows = h.history.deliveries(third.runId);
    expect(rows.map((r) => [r.status, r.instanceId, r.errorCode])).toEqual([
      ['unchanged', 8, null],
      ['no-instance', null, 'BI_NO_INSTANCE'],
    ]);
    h.history.close();
  });
});
