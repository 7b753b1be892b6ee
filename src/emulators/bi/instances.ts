/**
 * Instances: the objects a run creates below a document (bi4-instances.md 1.1), and the run state
 * machine 9 Pending -> 0 Running -> 1 Success, 3 Failed (or 8, 13, 14 when asked). A run's
 * timeline is fixed when it is created and read lazily: every access first advances the store to
 * the present, so no timer outlives the emulator.
 */
import type { DocumentDef } from './fixtures.js';
import { renderOutput, type OutputFormat, type StoredFile } from './instance-files.js';
import type { BiEmulatorScheduleOptions } from './types.js';
import type { Wire } from './wire.js';

/** SI_SCHEDULE_STATUS values (bi4-instances.md 3.5). */
export type InstanceStatus = 0 | 1 | 3 | 8 | 9 | 13 | 14;

/** Status names as Raylight's `status.$` writes them. */
export const STATUS_NAMES: Record<InstanceStatus, string> = {
  0: 'Running',
  1: 'Completed',
  3: 'Failed',
  8: 'Paused',
  9: 'Pending',
  13: 'Expired',
  14: 'Warning',
};

/** A recurrence element as sent to Raylight (`daily`, `monthly`, ...), kept to be echoed back. */
export interface Recurrence {
  element: string;
  body: Record<string, Wire>;
  /** SI_SCHEDULE_TYPE in the CMS (CE constants: 0 once, 1 hourly, 2 daily, 3 weekly, 4 monthly). */
  cmsType: number;
}

export interface InstanceRecord {
  id: number;
  cuid: string;
  name: string;
  parent: DocumentDef;
  owner: string;
  format: OutputFormat;
  answers: Map<number, string[]>;
  status: InstanceStatus;
  recurring: boolean;
  recurrence: Recurrence | undefined;
  created: Date;
  started: Date | undefined;
  ended: Date | undefined;
  updated: Date;
  nextRun: Date | undefined;
  error: { code: string; message: string } | undefined;
  file: StoredFile | undefined;
  /** false: the instance is removed once it ends (Raylight `keepInstanceInHistory="false"`). */
  keep: boolean;
  /** The planned run of a new instance; absent for sample instances and recurring templates. */
  plan: { runsAt: number; endsAt: number; outcome: Outcome } | undefined;
}

type Outcome = { status: 1 | 8 | 13 | 14 } | { status: 3; message: string };

export interface InstanceCounters {
  instancesCreated: number;
  schedulesRun: number;
  instancesDeleted: number;
}

/** What a new run needs; the store assigns the id, CUID and timeline. */
export interface NewInstance {
  parent: DocumentDef;
  name: string;
  owner: string;
  format: OutputFormat;
  answers: Map<number, string[]>;
  recurrence: Recurrence | undefined;
  keep: boolean;
}

const DEFAULT_PENDING_MS = 50;
const DEFAULT_RUN_MS = 200;
// The message the platform gives for a disabled destination (bi4-instances.md 3.5, G6).
const STOCK_FAILURE = 'Destination disabled. (FWB 00031)';

/** A CUID-looking string (23 characters) derived from an id, stable across runs. */
export function instanceCuid(id: number): string {
  return `AiNSTANCE${String(id).padStart(14, '0')}`;
}

export class InstanceStore {
  private readonly records = new Map<number, InstanceRecord>();
  private settings: BiEmulatorScheduleOptions;

  constructor(
    private nextId: number,
    private readonly limit: number | undefined,
    private readonly largeBytes: number,
    private readonly counters: InstanceCounters,
    settings: BiEmulatorScheduleOptions,
  ) {
    this.settings = { ...settings };
  }

  /** Merges new run settings; the one-shot outcomes apply to the next instance created. */
  configure(settings: BiEmulatorScheduleOptions): void {
    this.settings = { ...this.settings, ...settings };
  }

  /** Adds a sample instance as it is, with no run planned. */
  seed(record: InstanceRecord): void {
    this.records.set(record.id, record);
    this.nextId = Math.max(this.nextId, record.id + 1);
  }

  /** Creates a Pending instance and plans its run; a recurring one stays Pending. */
  create(request: NewInstance, now = Date.now()): InstanceRecord {
    const id = this.nextId;
    this.nextId += 1;
    const recurring = request.recurrence !== undefined && request.recurrence.element !== 'once';
    const record: InstanceRecord = {
      ...request,
      id,
      cuid: instanceCuid(id),
      status: 9,
      recurring,
      created: new Date(now),
      started: undefined,
      ended: undefined,
      updated: new Date(now),
      nextRun: recurring ? new Date(now + 24 * 3600 * 1000) : undefined,
      error: undefined,
      file: undefined,
      plan: recurring ? undefined : this.plan(now),
    };
    this.records.set(id, record);
    this.counters.instancesCreated += 1;
    return record;
  }

  private plan(now: number): NonNullable<InstanceRecord['plan']> {
    const { failNext, nextStatus } = this.settings;
    const outcome: Outcome =
      failNext !== undefined && failNext !== false
        ? { status: 3, message: typeof failNext === 'string' ? failNext : STOCK_FAILURE }
        : { status: nextStatus ?? 1 };
    const rest: BiEmulatorScheduleOptions = { ...this.settings, failNext: false };
    delete rest.nextStatus;
    this.settings = rest;
    const runsAt = now + (this.settings.pendingMs ?? DEFAULT_PENDING_MS);
    return { runsAt, endsAt: runsAt + (this.settings.runMs ?? DEFAULT_RUN_MS), outcome };
  }

  /** Moves every planned run along to `now`: starts, ends, files, purges. */
  advance(now = Date.now()): void {
    for (const record of [...this.records.values()]) {
      const plan = record.plan;
      if (!plan) continue;
      if (record.status === 9 && now >= plan.runsAt) {
        record.status = 0;
        record.started = new Date(plan.runsAt);
        record.updated = record.started;
      }
      if (record.status === 0 && now >= plan.endsAt) this.finish(record, plan);
    }
  }

  private finish(record: InstanceRecord, plan: NonNullable<InstanceRecord['plan']>): void {
    const { outcome } = plan;
    record.plan = undefined;
    record.status = outcome.status;
    record.ended = new Date(plan.endsAt);
    record.updated = record.ended;
    if (outcome.status === 3) {
      record.error = { code: 'FWB 00031', message: outcome.message };
    } else if (outcome.status === 1 || outcome.status === 14) {
      const { parent, format, answers, id } = record;
      record.file = renderOutput(parent, format, answers, id, this.largeBytes);
    }
    this.counters.schedulesRun += 1;
    if (!record.keep) this.remove(record.id);
    else this.purge(record.parent.id);
  }

  /** Keeps at most `limit` ended instances of `parentId`, deleting the oldest (L1 limits). */
  private purge(parentId: number): void {
    if (this.limit === undefined) return;
    // Read the records directly: this runs inside advance(), which ofParent() would re-enter.
    const ended = [...this.records.values()]
      .filter((r) => r.parent.id === parentId && !r.recurring && r.plan === undefined)
      .sort((a, b) => a.id - b.id);
    for (const old of ended.slice(0, Math.max(0, ended.length - this.limit))) this.remove(old.id);
  }

  /** Deletes an instance (a running one is cancelled with it). */
  remove(id: number): boolean {
    const removed = this.records.delete(id);
    if (removed) this.counters.instancesDeleted += 1;
    return removed;
  }

  get(id: number): InstanceRecord | undefined {
    this.advance();
    return this.records.get(id);
  }

  /** The instances of one object, oldest (lowest id) first. */
  ofParent(parentId: number): InstanceRecord[] {
    return this.all().filter((r) => r.parent.id === parentId);
  }

  /** Every instance, by id. */
  all(): InstanceRecord[] {
    this.advance();
    return [...this.records.values()].sort((a, b) => a.id - b.id);
  }
}
