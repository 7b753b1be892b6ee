/**
 * Run history in SQLite (`<stateDir>/history.db`, WAL): one row per run, one per delivery. The
 * runner writes a delivery's row before it starts and after it ends, so a run that is killed
 * leaves enough behind to be finished without delivering anything twice. Error messages are
 * redacted on the way in: a history row never holds a secret.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';

import { redact } from '../core/index.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';
export type DeliveryStatus =
  | 'pending'
  | 'running'
  | 'delivered'
  | 'unchanged'
  | 'empty'
  | 'no-instance'
  | 'failed'
  | 'interrupted';

export interface RunCounts {
  total: number;
  delivered: number;
  unchanged: number;
  empty: number;
  /** Latest-instance deliveries that found no (young enough) successful instance. */
  noInstance: number;
  failed: number;
  interrupted: number;
}

export interface RunRow extends RunCounts {
  id: number;
  publication: string;
  started: string;
  ended: string | null;
  status: RunStatus;
  /** The instant the plan's date tokens came from. */
  plannedAt: string;
  pid: number;
  host: string;
  error: string | null;
}

export interface DeliveryRow {
  runId: number;
  key: string;
  documentId: number;
  document: string;
  report: string | null;
  format: string;
  prompts: Record<string, string>;
  target: string;
  path: string | null;
  status: DeliveryStatus;
  bytes: number | null;
  contentHash: string | null;
  revision: string | null;
  link: string | null;
  attempts: number;
  durationMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** The platform instance delivered (latest-instance, schedule), when there was one. */
  instanceId: number | null;
  instanceEndedAt: string | null;
}

export type PlannedRow = Pick<
  DeliveryRow,
  'key' | 'documentId' | 'document' | 'report' | 'format' | 'prompts' | 'target'
>;

export type DeliveryOutcome = Partial<
  Pick<
    DeliveryRow,
    | 'path'
    | 'bytes'
    | 'contentHash'
    | 'revision'
    | 'link'
    | 'durationMs'
    | 'errorCode'
    | 'errorMessage'
    | 'instanceId'
    | 'instanceEndedAt'
  >
> & { status: DeliveryStatus };

const schema = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  publication TEXT NOT NULL,
  started TEXT NOT NULL,
  ended TEXT,
  status TEXT NOT NULL,
  planned_at TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  total INTEGER NOT NULL DEFAULT 0,
  delivered INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  empty INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  interrupted INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX IF NOT EXISTS runs_publication ON runs (publication, id);
CREATE TABLE IF NOT EXISTS deliveries (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  key TEXT NOT NULL,
  document_id INTEGER NOT NULL,
  document TEXT NOT NULL,
  report TEXT,
  format TEXT NOT NULL,
  prompts TEXT NOT NULL,
  target TEXT NOT NULL,
  path TEXT,
  status TEXT NOT NULL,
  bytes INTEGER,
  content_hash TEXT,
  revision TEXT,
  link TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER,
  error_code TEXT,
  error_message TEXT,
  PRIMARY KEY (run_id, key)
);
`;

/**
 * Columns added after the first release: a history.db written by an older bidrop gets them on
 * open, nullable or with a default, so its rows stay valid.
 */
const addedColumns: Array<{ table: string; column: string; definition: string }> = [
  { table: 'runs', column: 'no_instance', definition: 'INTEGER NOT NULL DEFAULT 0' },
  { table: 'deliveries', column: 'instance_id', definition: 'INTEGER' },
  { table: 'deliveries', column: 'instance_ended_at', definition: 'TEXT' },
];

/** The history database of one state folder. */
export class History {
  private readonly db: Database.Database;

  constructor(file: string) {
    // The state folder also holds the token store: private to its owner.
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // Several processes (run, serve) may share the file; wait instead of failing at once.
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(schema);
    this.migrate();
  }

  private migrate(): void {
    this.db.transaction(() => {
      for (const { table, column, definition } of addedColumns) {
        const columns = this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{
          name: string;
        }>;
        if (columns.some((c) => c.name === column)) continue;
        this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
      }
    })();
  }

  /** Records a new run as running in this process. */
  startRun(publication: string, plannedAt: Date): number {
    const result = this.db
      .prepare(
        `INSERT INTO runs (publication, started, status, planned_at, pid, host)
         VALUES (?, ?, 'running', ?, ?, ?)`,
      )
      .run(publication, new Date().toISOString(), plannedAt.toISOString(), process.pid, hostname());
    return Number(result.lastInsertRowid);
  }

  /** Takes over an unfinished run: it is running again, in this process. */
  reopenRun(id: number): void {
    this.db
      .prepare(
        `UPDATE runs SET status = 'running', ended = NULL, error = NULL, pid = ?, host = ? WHERE id = ?`,
      )
      .run(process.pid, hostname(), id);
  }

  /** The latest run of a publication, if any. */
  latestRun(publication: string): RunRow | undefined {
    const row = this.db
      .prepare(`SELECT * FROM runs WHERE publication = ? ORDER BY id DESC LIMIT 1`)
      .get(publication);
    return row ? toRun(row) : undefined;
  }

  getRun(id: number): RunRow | undefined {
    const row = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id);
    return row ? toRun(row) : undefined;
  }

  /** Most recent runs first. */
  listRuns(options: { publication?: string; limit?: number } = {}): RunRow[] {
    const rows = options.publication
      ? this.db
          .prepare(`SELECT * FROM runs WHERE publication = ? ORDER BY id DESC LIMIT ?`)
          .all(options.publication, options.limit ?? 20)
      : this.db.prepare(`SELECT * FROM runs ORDER BY id DESC LIMIT ?`).all(options.limit ?? 20);
    return rows.map(toRun);
  }

  /**
   * Adds the planned deliveries of a run; rows a resumed run already has are kept, and unfinished
   * rows it no longer plans are dropped.
   */
  recordPlan(runId: number, planned: PlannedRow[]): void {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO deliveries
         (run_id, key, document_id, document, report, format, prompts, target, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
    );
    const keys = new Set(planned.map((p) => p.key));
    const stale = this.db.prepare(`DELETE FROM deliveries WHERE run_id = ? AND key = ?`);
    this.db.transaction(() => {
      // A resumed run whose configuration changed: what it no longer plans and never finished
      // is not its business any more.
      for (const row of this.deliveries(runId)) {
        if (!keys.has(row.key) && !['delivered', 'unchanged', 'empty'].includes(row.status)) {
          stale.run(runId, row.key);
        }
      }
      for (const p of planned) {
        insert.run(
          runId,
          p.key,
          p.documentId,
          p.document,
          p.report,
          p.format,
          JSON.stringify(p.prompts),
          p.target,
        );
      }
    })();
  }

  /** Marks a delivery as started: one more attempt. */
  startDelivery(runId: number, key: string): void {
    this.db
      .prepare(
        `UPDATE deliveries SET status = 'running', attempts = attempts + 1 WHERE run_id = ? AND key = ?`,
      )
      .run(runId, key);
  }

  /** Records how a delivery ended. */
  endDelivery(runId: number, key: string, outcome: DeliveryOutcome): void {
    this.db
      .prepare(
        `UPDATE deliveries SET status = ?, path = ?, bytes = ?, content_hash = ?, revision = ?,
           link = ?, duration_ms = ?, error_code = ?, error_message = ?, instance_id = ?,
           instance_ended_at = ?
         WHERE run_id = ? AND key = ?`,
      )
      .run(
        outcome.status,
        outcome.path ?? null,
        outcome.bytes ?? null,
        outcome.contentHash ?? null,
        outcome.revision ?? null,
        outcome.link ?? null,
        outcome.durationMs ?? null,
        outcome.errorCode ?? null,
        outcome.errorMessage === undefined || outcome.errorMessage === null
          ? null
          : redact(outcome.errorMessage),
        outcome.instanceId ?? null,
        outcome.instanceEndedAt ?? null,
        runId,
        key,
      );
  }

  /**
   * The newest finished delivery of the same planned delivery (same key) in any run of the
   * publication that recorded a platform instance: what its target last received.
   */
  lastInstanceDelivery(publication: string, key: string): DeliveryRow | undefined {
    const row = this.db
      .prepare(
        `SELECT d.* FROM deliveries d JOIN runs r ON r.id = d.run_id
         WHERE r.publication = ? AND d.key = ? AND d.status IN ('delivered', 'unchanged')
           AND d.instance_id IS NOT NULL AND d.content_hash IS NOT NULL
         ORDER BY d.run_id DESC LIMIT 1`,
      )
      .get(publication, key);
    return row ? toDelivery(row) : undefined;
  }

  /** The deliveries of a run, in plan order. */
  deliveries(runId: number): DeliveryRow[] {
    return this.db
      .prepare(`SELECT * FROM deliveries WHERE run_id = ? ORDER BY rowid`)
      .all(runId)
      .map(toDelivery);
  }

  /** Closes a run with its status and counts (taken from its delivery rows). */
  finishRun(runId: number, status: RunStatus, error?: string): RunRow {
    // A finished run has nothing in flight: what never ended was interrupted.
    this.db
      .prepare(
        `UPDATE deliveries SET status = 'interrupted' WHERE run_id = ? AND status IN ('pending', 'running')`,
      )
      .run(runId);
    const counts = this.countsOf(runId);
    this.db
      .prepare(
        `UPDATE runs SET status = ?, ended = ?, total = ?, delivered = ?, unchanged = ?, empty = ?,
           no_instance = ?, failed = ?, interrupted = ?, error = ? WHERE id = ?`,
      )
      .run(
        status,
        new Date().toISOString(),
        counts.total,
        counts.delivered,
        counts.unchanged,
        counts.empty,
        counts.noInstance,
        counts.failed,
        counts.interrupted,
        error === undefined ? null : redact(error),
        runId,
      );
    return this.getRun(runId)!;
  }

  countsOf(runId: number): RunCounts {
    const rows = this.db
      .prepare(`SELECT status, COUNT(*) AS n FROM deliveries WHERE run_id = ? GROUP BY status`)
      .all(runId) as Array<{ status: string; n: number }>;
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    return {
      total: rows.reduce((sum, r) => sum + r.n, 0),
      delivered: by.delivered ?? 0,
      unchanged: by.unchanged ?? 0,
      empty: by.empty ?? 0,
      noInstance: by['no-instance'] ?? 0,
      failed: by.failed ?? 0,
      interrupted: (by.interrupted ?? 0) + (by.running ?? 0) + (by.pending ?? 0),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating if needed) the history of a state folder. */
export function openHistory(stateDir: string): History {
  return new History(path.join(stateDir, 'history.db'));
}

/** Whether the process that marked a run as running is gone (only knowable on the same host). */
export function isOrphaned(run: RunRow): boolean {
  if (run.status !== 'running') return false;
  if (run.host !== hostname()) return false;
  if (run.pid === process.pid) return false;
  try {
    process.kill(run.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

type Raw = Record<string, unknown>;

function toRun(raw: unknown): RunRow {
  const r = raw as Raw;
  return {
    id: r.id as number,
    publication: r.publication as string,
    started: r.started as string,
    ended: r.ended as string | null,
    status: r.status as RunStatus,
    plannedAt: r.planned_at as string,
    pid: r.pid as number,
    host: r.host as string,
    total: r.total as number,
    delivered: r.delivered as number,
    unchanged: r.unchanged as number,
    empty: r.empty as number,
    noInstance: r.no_instance as number,
    failed: r.failed as number,
    interrupted: r.interrupted as number,
    error: r.error as string | null,
  };
}

function toDelivery(raw: unknown): DeliveryRow {
  const r = raw as Raw;
  return {
    runId: r.run_id as number,
    key: r.key as string,
    documentId: r.document_id as number,
    document: r.document as string,
    report: r.report as string | null,
    format: r.format as string,
    prompts: JSON.parse(r.prompts as string) as Record<string, string>,
    target: r.target as string,
    path: r.path as string | null,
    status: r.status as DeliveryStatus,
    bytes: r.bytes as number | null,
    contentHash: r.content_hash as string | null,
    revision: r.revision as string | null,
    link: r.link as string | null,
    attempts: r.attempts as number,
    durationMs: r.duration_ms as number | null,
    errorCode: r.error_code as string | null,
    errorMessage: r.error_message as string | null,
    instanceId: r.instance_id as number | null,
    instanceEndedAt: r.instance_ended_at as string | null,
  };
}
