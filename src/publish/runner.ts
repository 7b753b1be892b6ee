/**
 * The runner: plans a publication, records the plan, and joins source and destination for each
 * delivery, a bounded number at a time. It prints nothing; it emits events and returns a result.
 * The source and destination are closed in a `finally` (unless the caller keeps them), so BI
 * sessions are logged off however the run ends.
 */
import type { PublicationConfig } from '../config/index.js';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  AbortedError,
  RunError,
  defaultRetryPolicy,
  isNetworkFault,
  retryDelay,
  shouldRetry,
  type RetryPolicy,
  describeError,
  isBidropError,
  redact,
  type Destination,
  type ExportedStream,
  type Source,
} from '../core/index.js';
import {
  isOrphaned,
  type DeliveryRow,
  type History,
  type RunCounts,
  type RunRow,
  type RunStatus,
} from '../store/index.js';
import type { DeliveryResult, RunEvent } from './events.js';
import { extensionOf } from './file-types.js';
import {
  finalTarget,
  planPublication,
  type Catalog,
  type Plan,
  type PlannedDelivery,
} from './plan.js';

export interface RunOptions {
  name: string;
  publication: PublicationConfig;
  source: Source & Catalog;
  destination: Destination;
  history: History;
  /** Deliveries at once: the lower of the BI session pool and the destination's concurrency. */
  concurrency: number;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Finish the last run when it failed or was interrupted, instead of starting anew. */
  resume?: boolean;
  /** Leave source and destination open (the server shares them between runs). */
  keepOpen?: boolean;
  now?: Date;
  /** Deliveries started over after a transient fault (default: 2 more attempts). */
  retry?: RetryPolicy;
}

/**
 * Clients retry each call already; this outer loop only restarts a whole delivery whose stream
 * broke midway, which no single call can resume. Two more attempts, starting after a second.
 */
const defaultDeliveryRetry: RetryPolicy = { ...defaultRetryPolicy, retries: 2, baseDelayMs: 1000 };

export interface RunResult {
  runId: number;
  publication: string;
  status: RunStatus;
  resumed: boolean;
  counts: RunCounts;
  results: DeliveryResult[];
}

const finished = new Set(['delivered', 'unchanged', 'empty']);

/**
 * No successful instance (or none young enough): nothing to deliver, which is an outcome of its
 * own, not a crash and not worth a retry. It still fails the run, so the exit code tells an
 * operator that a file they expect did not arrive.
 */
const noInstanceCodes = new Set(['BI_NO_INSTANCE', 'BI_INSTANCE_TOO_OLD']);

/** Runs one publication to the end (or until `signal` aborts) and records it in history. */
export async function runPublication(options: RunOptions): Promise<RunResult> {
  const { name, history } = options;
  const emit = options.onEvent ?? (() => {});

  try {
    const previous = resumable(history.latestRun(name), options.resume ?? false, name);
    const plannedAt = previous ? new Date(previous.plannedAt) : (options.now ?? new Date());
    const runId = previous?.id ?? history.startRun(name, plannedAt);
    if (previous) history.reopenRun(runId);

    let plan: Plan;
    try {
      plan = await planPublication(name, options.publication, options.source, {
        now: plannedAt,
        ...(options.signal && { signal: options.signal }),
      });
    } catch (error) {
      history.finishRun(
        runId,
        options.signal?.aborted ? 'interrupted' : 'failed',
        describeError(error),
      );
      throw error;
    }

    history.recordPlan(
      runId,
      plan.deliveries.map((d) => ({
        key: d.key,
        documentId: d.document.id,
        document: d.document.name,
        report: d.report ?? null,
        format: d.format,
        prompts: d.prompts,
        target: d.target,
      })),
    );

    const recorded = new Map(history.deliveries(runId).map((row) => [row.key, row]));
    const results: DeliveryResult[] = [];
    const todo: PlannedDelivery[] = [];
    for (const delivery of plan.deliveries) {
      const row = recorded.get(delivery.key);
      // Done before only when the outcome was recorded in full: a delivered row has its hash.
      if (row && finished.has(row.status) && (row.status === 'empty' || row.contentHash)) {
        results.push({
          key: delivery.key,
          delivery,
          status: row.status as DeliveryResult['status'],
          previously: true,
          ...(row.path && { path: row.path }),
          ...(row.bytes !== null && { bytes: row.bytes }),
          ...(row.contentHash && { contentHash: row.contentHash }),
          ...(row.revision && { revision: row.revision }),
          ...(row.link && { link: row.link }),
        });
      } else {
        todo.push(delivery);
      }
    }

    emit({
      type: 'run-start',
      runId,
      publication: name,
      destination: plan.destination,
      total: plan.deliveries.length,
      alreadyDone: results.length,
      resumed: previous !== undefined,
    });

    await eachBounded(todo, options.concurrency, async (delivery) => {
      const result = await deliverOne(runId, plan, delivery, options, emit);
      results.push(result);
    });

    const order = new Map(plan.deliveries.map((d, i) => [d.key, i]));
    results.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
    const status: RunStatus = options.signal?.aborted
      ? 'interrupted'
      : results.some((r) => r.status === 'failed' || r.status === 'no-instance')
        ? 'failed'
        : 'succeeded';
    const row = history.finishRun(runId, status);
    const counts = countsOf(row);
    emit({ type: 'run-end', runId, publication: name, status, counts });
    return { runId, publication: name, status, resumed: previous !== undefined, counts, results };
  } finally {
    if (!options.keepOpen) await closeBoth(options.source, options.destination);
  }
}

/** The run to finish instead of starting a new one, if any. */
function resumable(latest: RunRow | undefined, resume: boolean, name: string): RunRow | undefined {
  if (!latest) return undefined;
  if (latest.status === 'running') {
    if (isOrphaned(latest)) return latest;
    throw new RunError(
      'RUN_ALREADY_RUNNING',
      `Publication "${name}" is already running (run ${latest.id}, process ${latest.pid} on ${latest.host})`,
      {
        hint: 'Wait for it to finish, or stop that process; a killed run is finished by running it again.',
      },
    );
  }
  if (resume && (latest.status === 'failed' || latest.status === 'interrupted')) return latest;
  return undefined;
}

async function deliverOne(
  runId: number,
  plan: Plan,
  delivery: PlannedDelivery,
  options: RunOptions,
  emit: (event: RunEvent) => void,
): Promise<DeliveryResult> {
  const { history, signal } = options;
  const policy = options.retry ?? defaultDeliveryRetry;
  const started = Date.now();
  const base = { key: delivery.key, delivery };

  if (signal?.aborted) return record(runId, history, emit, { ...base, status: 'interrupted' });
  emit({ type: 'delivery-start', runId, key: delivery.key, delivery });

  for (let attempt = 1; ; attempt++) {
    history.startDelivery(runId, delivery.key);
    try {
      const outcome = await attemptOnce(runId, plan, delivery, options, emit);
      return record(runId, history, emit, {
        ...base,
        ...outcome,
        durationMs: Date.now() - started,
      });
    } catch (error) {
      if (isBidropError(error) && noInstanceCodes.has(error.code) && !signal?.aborted) {
        return record(runId, history, emit, {
          ...base,
          status: 'no-instance',
          durationMs: Date.now() - started,
          error: errorSummary(error),
        });
      }
      const stopped = signal?.aborted || error instanceof AbortedError;
      // Nothing is committed at the destination before the whole stream arrived, so a fault on
      // either side (an export cut midway, a dropped upload) is safe to start over.
      const delayMs = retryDelay(attempt, error, policy);
      if (
        !stopped &&
        attempt <= policy.retries &&
        shouldRetry(error) &&
        delayMs <= policy.maxRetryAfterMs
      ) {
        const { code } = errorSummary(error);
        emit({ type: 'delivery-retry', runId, key: delivery.key, attempt, delayMs, code });
        if (await pause(delayMs, signal)) continue;
      }
      return record(runId, history, emit, {
        ...base,
        status: stopped || signal?.aborted ? 'interrupted' : 'failed',
        durationMs: Date.now() - started,
        error: errorSummary(error),
      });
    }
  }
}

/** One export streamed into one delivery; the export is released whatever happens. */
async function attemptOnce(
  runId: number,
  plan: Plan,
  delivery: PlannedDelivery,
  options: RunOptions,
  emit: (event: RunEvent) => void,
): Promise<Omit<DeliveryResult, 'key' | 'delivery'>> {
  const { publication, signal } = options;
  let exported: ExportedStream | undefined;
  const last = lastInstanceDelivery(options, delivery);
  try {
    exported = await options.source.export({
      document: { kind: 'id', id: delivery.document.id },
      // An instance is taken as it is; the format only matters to a refresh or a platform run.
      format: delivery.format === 'as-is' ? 'pdf' : delivery.format,
      ...(delivery.report !== undefined && { report: delivery.report }),
      prompts: Object.fromEntries(Object.entries(delivery.prompts).map(([k, v]) => [k, [v]])),
      // Row counts cost two calls per export; only skipEmpty reads them.
      countRows: publication.skipEmpty,
      ...delivery.origin,
      ...(last && {
        unlessInstance: {
          id: last.instanceId!,
          ...(last.instanceEndedAt !== null && { endedAt: last.instanceEndedAt }),
        },
      }),
      ...(signal && { signal }),
    });

    if (publication.skipEmpty && exported.rows === 0) {
      exported.body.destroy();
      return { status: 'empty' };
    }

    const instance = exported.instance;
    const target = finalTarget(
      options.name,
      publication,
      delivery,
      plan.plannedAt,
      extensionOf(exported.contentType),
    );
    if (last && (exported.sameInstance || isSameInstance(last, instance))) {
      // A source that honours unlessInstance opened nothing; another one's body is dropped unread.
      exported.body.destroy();
      return unchangedAsBefore(last, instance);
    }

    const size = exported.size;
    const file = await options.destination.deliver(target, exported.body, {
      conflict: publication.conflict,
      skipUnchanged: publication.whenUnchanged === 'skip',
      sharedLink: publication.sharedLink,
      ...(signal && { signal }),
      onProgress: (bytes) =>
        emit({
          type: 'delivery-progress',
          runId,
          key: delivery.key,
          bytes,
          ...(size !== undefined && { size }),
        }),
    });

    return {
      status: file.status,
      path: file.path,
      bytes: file.bytes,
      contentHash: file.contentHash,
      ...(file.revision && { revision: file.revision }),
      ...(file.link && { link: file.link }),
      ...(instance && { instance }),
    };
  } catch (error) {
    exported?.body.destroy();
    throw error;
  } finally {
    await exported?.release().catch(() => {});
  }
}

/**
 * What this delivery's target last received from an instance, when an unchanged instance may be
 * skipped: with `whenUnchanged: skip`, and only for latest-instance (a platform run is new every
 * time). The source is then asked for nothing if its newest instance is still that one.
 */
function lastInstanceDelivery(
  options: RunOptions,
  delivery: PlannedDelivery,
): DeliveryRow | undefined {
  if (delivery.origin?.from !== 'latest-instance') return undefined;
  if (options.publication.whenUnchanged !== 'skip') return undefined;

  const last = options.history.lastInstanceDelivery(options.name, delivery.key);
  if (!last || last.instanceId === null || last.target !== delivery.target) return undefined;
  return last.path && last.contentHash ? last : undefined;
}

function isSameInstance(last: DeliveryRow, instance: ExportedStream['instance']): boolean {
  return (
    instance !== undefined &&
    last.instanceId === instance.id &&
    last.instanceEndedAt === (instance.endedAt ?? null)
  );
}

/** "unchanged", with the file the target received the last time. */
function unchangedAsBefore(
  last: DeliveryRow,
  instance: ExportedStream['instance'],
): Omit<DeliveryResult, 'key' | 'delivery'> {
  return {
    status: 'unchanged',
    path: last.path!,
    contentHash: last.contentHash!,
    ...(instance && { instance }),
    ...(last.bytes !== null && { bytes: last.bytes }),
    ...(last.revision && { revision: last.revision }),
    ...(last.link && { link: last.link }),
  };
}

/** Waits, unless the run is stopped first; true when the wait ran to its end. */
async function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
    return true;
  } catch {
    return false;
  }
}

function record(
  runId: number,
  history: History,
  emit: (event: RunEvent) => void,
  result: DeliveryResult,
): DeliveryResult {
  history.endDelivery(runId, result.key, {
    status: result.status,
    path: result.path ?? null,
    bytes: result.bytes ?? null,
    contentHash: result.contentHash ?? null,
    revision: result.revision ?? null,
    link: result.link ?? null,
    durationMs: result.durationMs ?? null,
    errorCode: result.error?.code ?? null,
    errorMessage: result.error?.message ?? null,
    instanceId: result.instance?.id ?? null,
    instanceEndedAt: result.instance?.endedAt ?? null,
  });
  emit({ type: 'delivery-end', runId, result });
  return result;
}

function errorSummary(error: unknown): NonNullable<DeliveryResult['error']> {
  if (isBidropError(error)) {
    return {
      code: error.code,
      message: redact(error.message),
      ...(error.hint && { hint: error.hint }),
    };
  }
  const code = isNetworkFault(error) ? 'NETWORK_ERROR' : 'RUN_UNEXPECTED';
  return { code, message: redact(describeError(error)) };
}

function countsOf(row: RunRow): RunCounts {
  const { total, delivered, unchanged, empty, noInstance, failed, interrupted } = row;
  return { total, delivered, unchanged, empty, noInstance, failed, interrupted };
}

/** Runs `work` over `items` with at most `limit` at once; never rejects (work handles errors). */
async function eachBounded<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

async function closeBoth(source: Source, destination: Destination): Promise<void> {
  // Both run even if one fails: the BI logoff must never be skipped.
  await Promise.allSettled([source.close(), destination.close()]);
}
