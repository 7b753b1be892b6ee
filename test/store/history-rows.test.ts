import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { registerSecret } from '../../src/core/index.js';
import { openHistory } from '../../src/store/index.js';

async function state(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'bidrop-history-'));
}

describe('history rows', () => {
  it('stores runs and deliveries with their outcome, in WAL mode', async () => {
    const dir = await state();
    const history = openHistory(dir);
    const plannedAt = new Date('2026-02-03T04:05:06Z');
    const runId = history.startRun('daily', plannedAt);
    history.recordPlan(runId, [
      {
        key: 'k1',
        documentId: 1,
        document: 'Sales',
        report: null,
        format: 'pdf',
        prompts: { Region: 'EMEA' },
        target: '/a.pdf',
      },
      {
        key: 'k2',
        documentId: 2,
        document: 'Stock',
        report: 'Tab',
        format: 'csv',
        prompts: {},
        target: '/b.csv',
      },
    ]);
    history.startDelivery(runId, 'k1');
    history.endDelivery(runId, 'k1', {
      status: 'delivered',
      path: '/a.pdf',
      bytes: 42,
      contentHash: 'ab'.repeat(32),
      revision: 'rev1',
      link: 'https://example/s/1',
      durationMs: 12,
    });
    history.startDelivery(runId, 'k2');
    history.endDelivery(runId, 'k2', {
      status: 'failed',
      errorCode: 'BI_EXPORT_FAILED',
      errorMessage: 'no',
      durationMs: 3,
    });
    const run = history.finishRun(runId, 'failed');

    expect(run).toMatchObject({
      id: runId,
      publication: 'daily',
      status: 'failed',
      plannedAt: plannedAt.toISOString(),
      pid: process.pid,
      total: 2,
      delivered: 1,
      failed: 1,
    });
    expect(run.ended).not.toBeNull();
    expect(history.deliveries(runId)).toEqual([
      {
        runId,
        key: 'k1',
        documentId: 1,
        document: 'Sales',
        report: null,
        format: 'pdf',
        prompts: { Region: 'EMEA' },
        target: '/a.pdf',
        path: '/a.pdf',
        status: 'delivered',
        bytes: 42,
        contentHash: 'ab'.repeat(32),
        revision: 'rev1',
        link: 'https://example/s/1',
        attempts: 1,
        durationMs: 12,
        errorCode: null,
        errorMessage: null,
        instanceId: null,
        instanceEndedAt: null,
      },
      expect.objectContaining({
        key: 'k2',
        report: 'Tab',
        status: 'failed',
        errorCode: 'BI_EXPORT_FAILED',
        attempts: 1,
      }),
    ]);
    history.close();

    const raw = new Database(path.join(dir, 'history.db'));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('redacts secrets from error messages before storing them', async () => {
    const history = openHistory(await state());
    registerSecret('hunter2-password');
    const runId = history.startRun('p', new Date());
    history.recordPlan(runId, [
      {
        key: 'k',
        documentId: 1,
        document: 'D',
        report: null,
        format: 'pdf',
        prompts: {},
        target: '/d.pdf',
      },
    ]);
    history.endDelivery(runId, 'k', {
      status: 'failed',
      errorCode: 'X',
      errorMessage: 'logon hunter2-password refused',
    });
    history.finishRun(runId, 'failed', 'run failed: hunter2-password');

    expect(history.deliveries(runId)[0]!.errorMessage).toBe('logon [redacted] refused');
    expect(history.getRun(runId)!.error).toBe('run failed: [redacted]');
  });

  it('lists runs newest first, per publication, with a limit; and marks unfinished rows interrupted', async () => {
    const history = openHistory(await state());
    const ids = ['a', 'b', 'a', 'a'].map((p) => history.startRun(p, new Date()));
    history.recordPlan(ids[3]!, [
      {
        key: 'k',
        documentId: 1,
        document: 'D',
        report: null,
        format: 'pdf',
        prompts: {},
        target: '/d.pdf',
      },
    ]);
    history.finishRun(ids[3]!, 'interrupted');

    expect(history.listRuns({ publication: 'a', limit: 2 }).map((r) => r.id)).toEqual([
      ids[3],
      ids[2],
    ]);
    expect(history.listRuns().map((r) => r.id)).toEqual([...ids].reverse());
    expect(history.latestRun('b')!.id).toBe(ids[1]);
    expect(history.deliveries(ids[3]!)[0]!.status).toBe('interrupted');
    expect(history.getRun(ids[3]!)).toMatchObject({ total: 1, interrupted: 1 });
  });
});

describe('recording the plan of a resumed run', () => {
  it('keeps finished rows and drops unfinished rows the new plan no longer has', async () => {
    const history = openHistory(await state());
    const runId = history.startRun('p', new Date());
    const row = (key: string) => ({
      key,
      documentId: 1,
      document: 'D',
      report: null,
      format: 'pdf',
      prompts: {},
      target: `/${key}.pdf`,
    });
    history.recordPlan(runId, [row('done'), row('gone'), row('kept')]);
    history.endDelivery(runId, 'done', { status: 'delivered', contentHash: 'h' });

    history.recordPlan(runId, [row('kept'), row('new')]);

    expect(history.deliveries(runId).map((r) => [r.key, r.status])).toEqual([
      ['done', 'delivered'],
      ['kept', 'pending'],
      ['new', 'pending'],
    ]);
  });
});
