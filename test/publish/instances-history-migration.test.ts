/**
 * A history.db written before instances were recorded opens with the new columns added: its runs
 * and deliveries read as before, and new deliveries record their instance.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { openHistory } from '../../src/store/index.js';

/** The tables as the first release created them. */
const oldSchema = `
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, publication TEXT NOT NULL,
  started TEXT NOT NULL, ended TEXT, status TEXT NOT NULL, planned_at TEXT NOT NULL,
  pid INTEGER NOT NULL, host TEXT NOT NULL, total INTEGER NOT NULL DEFAULT 0,
  delivered INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0,
  empty INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
  interrupted INTEGER NOT NULL DEFAULT 0, error TEXT);
CREATE TABLE deliveries (run_id INTEGER NOT NULL REFERENCES runs (id), key TEXT NOT NULL,
  document_id INTEGER NOT NULL, document TEXT NOT NULL, report TEXT, format TEXT NOT NULL,
  prompts TEXT NOT NULL, target TEXT NOT NULL, path TEXT, status TEXT NOT NULL, bytes INTEGER,
  content_hash TEXT, revision TEXT, link TEXT, attempts INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER, error_code TEXT, error_message TEXT, PRIMARY KEY (run_id, key));
INSERT INTO runs (publication, started, ended, status, planned_at, pid, host, total, delivered)
  VALUES ('daily', '2026-11-01T06:00:00Z', '2026-11-01T06:01:00Z', 'succeeded',
          '2026-11-01T06:00:00Z', 1, 'old-host', 1, 1);
INSERT INTO deliveries (run_id, key, document_id, document, format, prompts, target, path,
  status, bytes, content_hash)
  VALUES (1, 'k1', 6001, 'Daily Sales', 'pdf', '{}', '/R/a.pdf', '/R/a.pdf', 'delivered', 10, 'h');
`;

describe('history.db migration', () => {
  it('adds the instance and no-instance columns to an existing file, keeping its rows', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-history-'));
    const old = new Database(path.join(dir, 'history.db'));
    old.exec(oldSchema);
    old.close();

    const history = openHistory(dir);
    try {
      const [run] = history.listRuns();
      expect(run).toMatchObject({ id: 1, delivered: 1, noInstance: 0, status: 'succeeded' });
      expect(history.deliveries(1)[0]).toMatchObject({
        key: 'k1',
        status: 'delivered',
        instanceId: null,
        instanceEndedAt: null,
      });
      expect(history.lastInstanceDelivery('daily', 'k1')).toBeUndefined();

      const id = history.startRun('daily', new Date());
      history.recordPlan(id, [
        {
          key: 'k1',
          documentId: 6001,
          document: 'Daily Sales',
          report: null,
          format: 'as-is',
          prompts: {},
          target: '/R/a.{ext}',
        },
      ]);
      history.endDelivery(id, 'k1', {
        status: 'delivered',
        path: '/R/a.pdf',
        contentHash: 'h2',
        instanceId: 6203,
        instanceEndedAt: '2026-11-28T02:03:00.000Z',
      });
      expect(history.finishRun(id, 'succeeded').noInstance).toBe(0);
      expect(history.lastInstanceDelivery('daily', 'k1')).toMatchObject({
        runId: id,
        instanceId: 6203,
        instanceEndedAt: '2026-11-28T02:03:00.000Z',
      });
    } finally {
      history.close();
    }

    // Opening again finds the columns there and changes nothing.
    const again = openHistory(dir);
    expect(again.listRuns()).toHaveLength(2);
    again.close();
  });
});
