import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import {
  jsonReporter,
  lineReporter,
  liveReporter,
  summaryTable,
} from '../../src/cli/commands/run-progress.js';
import type { DeliveryResult, RunEvent } from '../../src/publish/index.js';

const delivery = {
  key: 'k1',
  document: { id: 1, cuid: 'c', name: 'Sales' },
  format: 'pdf' as const,
  prompts: { Region: 'EMEA' },
  target: '/R/Sales-EMEA.pdf',
};
const ok: DeliveryResult = {
  key: 'k1',
  delivery,
  status: 'delivered',
  path: '/R/Sales-EMEA.pdf',
  bytes: 2048,
  link: 'https://example/s/abc',
};
const bad: DeliveryResult = {
  key: 'k2',
  delivery: { ...delivery, key: 'k2', prompts: { Region: 'APAC' }, target: '/R/Sales-APAC.pdf' },
  status: 'failed',
  error: { code: 'BI_EXPORT_FAILED', message: 'refused' },
};
const counts = {
  total: 2,
  delivered: 1,
  unchanged: 0,
  empty: 0,
  noInstance: 0,
  failed: 1,
  interrupted: 0,
};
const events: RunEvent[] = [
  {
    type: 'run-start',
    runId: 7,
    publication: 'daily',
    destination: 'out',
    total: 2,
    alreadyDone: 0,
    resumed: false,
  },
  { type: 'delivery-start', runId: 7, key: 'k1', delivery },
  { type: 'delivery-progress', runId: 7, key: 'k1', bytes: 1024, size: 2048 },
  { type: 'delivery-progress', runId: 7, key: 'k1', bytes: 2048, size: 2048 },
  { type: 'delivery-end', runId: 7, result: ok },
  { type: 'delivery-end', runId: 7, result: bad },
  { type: 'run-end', runId: 7, publication: 'daily', status: 'failed', counts },
];

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('run progress output', () => {
  it('writes JSON lines, throttling progress', () => {
    const out = collect();
    const reporter = jsonReporter(out.stream);
    for (const e of events) reporter.onEvent(e);

    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual([
      'run-start',
      'delivery-start',
      'delivery-progress',
      'delivery-end',
      'delivery-end',
      'run-end',
    ]);
  });

  it('writes plain lines when not on a terminal', () => {
    const err = collect();
    const reporter = lineReporter(err.stream);
    for (const e of events) reporter.onEvent(e);

    expect(err.text()).toBe(
      'daily: run 7, 2 deliveries to out\n' +
        '  delivered /R/Sales-EMEA.pdf (2.0 KiB)\n' +
        '  failed /R/Sales-APAC.pdf: BI_EXPORT_FAILED refused\n' +
        'daily: failed (1 delivered, 0 unchanged, 1 failed of 2)\n',
    );
  });

  it('redraws a live block on a terminal, with bytes and totals', () => {
    const err = collect();
    const reporter = liveReporter(err.stream);
    for (const e of events.slice(0, 3)) reporter.onEvent(e);
    for (const e of events.slice(3)) reporter.onEvent(e);
    reporter.stop();

    expect(err.text()).toContain('  delivered /R/Sales-EMEA.pdf (2.0 KiB)');
    expect(err.text()).toContain('2/2 done, 2.0 KiB');
    expect(err.text()).toContain('\x1b[0J');
  });

  it('summarises each file with its path, size, status and link', () => {
    const table = summaryTable([ok, bad]);
    const [header, , first, second] = table.split('\n');

    expect(header).toMatch(/^document\s+report\s+format\s+prompts\s+path\s+size\s+status\s+link$/);
    expect(first).toMatch(
      /^Sales\s+pdf\s+Region=EMEA\s+\/R\/Sales-EMEA\.pdf\s+2\.0 KiB\s+delivered\s+https:\/\/example\/s\/abc$/,
    );
    expect(second).toMatch(/Region=APAC\s+\/R\/Sales-APAC\.pdf\s+failed BI_EXPORT_FAILED/);
  });
});
