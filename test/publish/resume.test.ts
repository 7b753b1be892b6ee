import path from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { harness, source } from './run-helpers.js';

const six = `documents:
  - folder: /Sales/Daily
prompts:
  Region: [EMEA, APAC, AMER]
to: out:/R/{date}/{document}-{Region}.{ext}`;

describe('resuming a run', () => {
  it('--resume finishes an interrupted run and exports only what did not finish', async () => {
    const h = await harness();
    const controller = new AbortController();
    const slowFirst = source({ delayMs: 30 });
    let finished = 0;
    const first = await h.run(six, slowFirst, {
      concurrency: 1,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'delivery-end' && ++finished === 2) controller.abort();
      },
    });
    expect(first.status).toBe('interrupted');
    expect(first.counts).toMatchObject({ delivered: 2, interrupted: 4 });

    const again = source();
    const second = await h.run(six, again, { resume: true, now: new Date('2030-01-01') });

    expect(second.runId).toBe(first.runId);
    expect(second.resumed).toBe(true);
    expect(second.status).toBe('succeeded');
    expect(again.exports).toBe(4);
    expect(second.results.filter((r) => r.previously).length).toBe(2);
    // The plan's dates come from the first attempt, not from the resumed one.
    expect(second.results.every((r) => !r.delivery.target.includes('2030'))).toBe(true);
    const rows = h.history.deliveries(first.runId);
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill('delivered'));
    // The abort came between deliveries: none was started twice.
    expect(rows.map((r) => r.attempts)).toEqual(Array(6).fill(1));
    expect(h.history.listRuns()).toHaveLength(1);
  });

  it('without --resume, an interrupted run is left alone and a new run starts', async () => {
    const h = await harness();
    const controller = new AbortController();
    controller.abort();
    const first = await h.run(six, source(), { signal: controller.signal });
    const second = await h.run(six, source());

    expect(first.status).toBe('interrupted');
    expect(second.runId).not.toBe(first.runId);
    expect(second.counts.delivered).toBe(6);
  });

  it('takes over a run left "running" by a process that is gone', async () => {
    const h = await harness();
    const first = await h.run(six, source());
    // Make it look like a crashed run: running, with a pid that no longer exists.
    const db = new Database(path.join(h.dir, 'state', 'history.db'));
    db.prepare(
      `UPDATE runs SET status = 'running', ended = NULL, pid = 2147483646 WHERE id = ?`,
    ).run(first.runId);
    db.prepare(
      `UPDATE deliveries SET status = 'running', content_hash = NULL WHERE run_id = ? AND rowid % 2 = 0`,
    ).run(first.runId);
    db.close();

    const fake = source();
    const second = await h.run(six, fake);

    expect(second.runId).toBe(first.runId);
    expect(second.resumed).toBe(true);
    expect(fake.exports).toBe(3);
    expect(second.counts).toMatchObject({ total: 6, failed: 0 });
    // The files were already there with the same bytes: nothing was written twice.
    expect(second.results.filter((r) => !r.previously).map((r) => r.status)).toEqual(
      Array(3).fill('unchanged'),
    );
  });

  it('refuses to start while another live process runs the publication', async () => {
    const h = await harness();
    const first = await h.run(six, source());
    const db = new Database(path.join(h.dir, 'state', 'history.db'));
    db.prepare(`UPDATE runs SET status = 'running', pid = ? WHERE id = ?`).run(
      process.ppid,
      first.runId,
    );
    db.close();

    const fake = source();
    await expect(h.run(six, fake)).rejects.toMatchObject({ code: 'RUN_ALREADY_RUNNING' });
    expect(fake.exports).toBe(0);
    expect(fake.closed).toBe(1);
  });
});
