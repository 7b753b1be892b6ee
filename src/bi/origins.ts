/**
 * The two ways out that need no refresh through Raylight (DESIGN.md, "Ways to get a document out
 * of the BI platform"; bi4-instances.md §7): the newest successful instance, and a run on the
 * platform's job servers. Both hand back an ExportedStream like a refresh does.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  AbortedError,
  BidropError,
  type DocumentInfo,
  type DocumentRef,
  type ExportedStream,
  type ExportRequest,
} from '../core/index.js';
import { biError, BiErrorCode } from './codes.js';
import type { BiEvent } from './events.js';
import { abortReason } from './http.js';
import { assertSingleFile, openInstanceFile } from './instance-file.js';
import { ScheduleStatus, statusName, type Instance } from './instance-status.js';
import { instanceById, latestFailure, latestSuccessful } from './instances.js';
import type { Session } from './pool.js';
import {
  raylightRunError,
  removeRun,
  startPlatformRun,
  startWebiRun,
  type ServerRun,
} from './schedule.js';
import type { Scope } from './scope.js';

/** A resolved repository object of any kind. */
export interface RepositoryObject {
  info: DocumentInfo;
  kind: string;
}

/** What the flows need from the source: sessions from its pool, and its resolver. */
export interface OriginContext {
  /** Runs `operation` with a pooled session, re-logging on once if it expired, then gives it back. */
  withSession<T>(
    signal: AbortSignal | undefined,
    operation: (scope: Scope) => Promise<T>,
  ): Promise<T>;
  /** Like withSession, but the session stays taken until `done` is called. */
  holdSession<T>(
    signal: AbortSignal | undefined,
    operation: (scope: Scope) => Promise<T>,
  ): Promise<{ value: T; session: Session; done: (discard?: boolean) => Promise<void> }>;
  resolveObject(scope: Scope, ref: DocumentRef): Promise<RepositoryObject>;
  emit(event: BiEvent): void;
  polling: SchedulePolling;
}

export interface SchedulePolling {
  /** First wait between two status polls; doubled up to `maxMs`. */
  firstMs: number;
  maxMs: number;
  /** How long a paused run (status 8) is waited for before it counts as failed (§3.5). */
  pausedGraceMs: number;
  /** Default deadline of a run when the request gives none. */
  timeoutMs: number;
}

/**
 * Polling defaults: public clients poll every 10–20 s (§3.4); starting at 2 s catches short runs
 * quickly and the cap keeps a two-hour run to a few hundred queries. The two hours are HCL's
 * default (S9): long refreshes are why this mode exists.
 */
export const defaultPolling: Readonly<SchedulePolling> = Object.freeze({
  firstMs: 2_000,
  maxMs: 30_000,
  pausedGraceMs: 300_000,
  timeoutMs: 7_200_000,
});

/** Kinds of uploaded files, which are their own "latest instance" (§1.1, §7 step 2). */
const fileKinds = /^(pdf|excel|txt|rtf|word|powerpoint|agnostic|csv|xml|zip)$/i;

/** Cleanup calls must run after a deadline or Ctrl-C, but may not hang the exit. */
const cleanupTimeoutMs = 15_000;

/** The newest successful instance's file, as it is (§7 mode a). */
export async function exportLatestInstance(
  context: OriginContext,
  request: ExportRequest,
): Promise<ExportedStream> {
  const held = await context.holdSession(request.signal, async (scope) => {
    const object = await context.resolveObject(scope, request.document);
    const instance = await latestSuccessful(scope, object.info.id);
    const source: Instance = instance ?? (await ownFileOrFail(scope, object));
    checkAge(source, object, request.maxAgeMs);
    if (isSame(source, request.unlessInstance)) return { object, source, file: undefined };
    assertSingleFile(source);
    const file = await openInstanceFile(scope, source.id, source.kind || object.kind);
    return { object, source, file };
  });
  const { object, source, file } = held.value;
  if (!file) {
    // Delivered before: the caller needs no byte of it, so no file is opened at all.
    await held.done();
    return { ...streamOf(object.info, source, undefined, async () => {}), sameInstance: true };
  }
  return streamOf(object.info, source, file, async () => {
    discardBody(file.response.body, file.body);
    await held.done();
  });
}

/** An uploaded file stands for itself; anything else without a successful run is BI_NO_INSTANCE. */
async function ownFileOrFail(scope: Scope, object: RepositoryObject): Promise<Instance> {
  if (fileKinds.test(object.kind)) {
    return {
      id: object.info.id,
      name: object.info.name,
      kind: object.kind,
      ...(object.info.cuid && { cuid: object.info.cuid }),
      ...(object.info.updated && { endedRaw: object.info.updated }),
    };
  }
  const failure = await latestFailure(scope, object.info.id).catch(() => undefined);
  const why = failure
    ? `; its newest run (instance ${failure.id}${failure.endedRaw ? `, ${failure.endedRaw}` : ''}) ${statusName(failure.status)}${failure.failure ? `: ${failure.failure}` : ''}`
    : '';
  throw biError(
    BiErrorCode.noInstance,
    `"${object.info.name}" (id ${object.info.id}) has no successful instance${why}`,
    {
      hint: 'Schedule it on the BI platform, or deliver it with from: schedule or from: refresh.',
    },
  );
}

function checkAge(instance: Instance, object: RepositoryObject, maxAgeMs?: number): void {
  if (maxAgeMs === undefined) return;
  const hint = 'Check the schedule on the BI platform, or raise maxAge.';
  const ended = instance.endedAt;
  if (!ended) {
    // An age that cannot be read is not known to be young enough; delivering it would defeat maxAge.
    throw biError(
      BiErrorCode.instanceTooOld,
      `The end time of instance ${instance.id} of "${object.info.name}" (${instance.endedRaw ?? 'none'}) could not be read, so its age is unknown`,
      { hint },
    );
  }
  const age = Date.now() - ended.getTime();
  if (age > maxAgeMs) {
    throw biError(
      BiErrorCode.instanceTooOld,
      `The newest successful instance of "${object.info.name}" (instance ${instance.id}, ended ${instance.endedRaw}) is ${formatAge(age)} old, more than ${formatAge(maxAgeMs)}`,
      { hint },
    );
  }
}

function formatAge(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 48
    ? `${Math.floor(hours / 24)} d`
    : hours >= 1
      ? `${Math.floor(hours)} h`
      : `${Math.ceil(ms / 60_000)} min`;
}

function endedAtOf(instance: Instance): string | undefined {
  return instance.endedAt?.toISOString() ?? instance.endedRaw;
}

function isSame(instance: Instance, known: ExportRequest['unlessInstance']): boolean {
  return known !== undefined && known.id === instance.id && known.endedAt === endedAtOf(instance);
}

function streamOf(
  document: DocumentInfo,
  instance: Instance,
  file: Awaited<ReturnType<typeof openInstanceFile>> | undefined,
  cleanup: () => Promise<void>,
): ExportedStream {
  let released: Promise<void> | undefined;
  const endedAt = endedAtOf(instance);
  return {
    document,
    contentType: file?.contentType ?? 'application/octet-stream',
    body: file?.body ?? Readable.from([]),
    ...(file?.size !== undefined && { size: file.size }),
    instance: {
      id: instance.id,
      ...(instance.cuid && { cuid: instance.cuid }),
      ...(endedAt && { endedAt }),
    },
    release: () => (released ??= cleanup()),
  };
}

function discardBody(...streams: Readable[]): void {
  for (const stream of streams) {
    if (stream.readableEnded) continue;
    // undici reports an unread body's destruction as an error; nobody is listening any more.
    stream.on('error', () => {});
    stream.destroy();
  }
}

/** Runs the object on the platform now, waits for the run, streams its output (§7 mode b). */
export async function exportBySchedule(
  context: OriginContext,
  request: ExportRequest,
): Promise<ExportedStream> {
  const timeoutMs = request.scheduleTimeoutMs ?? context.polling.timeoutMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(timeoutError(timeoutMs)), timeoutMs);
  const signal = request.signal
    ? AbortSignal.any([request.signal, deadline.signal])
    : deadline.signal;

  let run: ServerRun | undefined;
  let object: RepositoryObject | undefined;
  try {
    ({ run, object } = await context.withSession(signal, async (scope) => {
      const found = await context.resolveObject(scope, request.document);
      const started = /^webi$/i.test(found.kind)
        ? await startWebiRun(
            scope,
            found.info.id,
            request.format,
            request.prompts ?? {},
            runName(found),
          )
        : await startPlatformRun(scope, found.info.id);
      return { run: started, object: found };
    }));
    const done = await waitForRun(context, run, signal);
    const held = await context.holdSession(signal, (scope) => {
      assertSingleFile(done);
      return openInstanceFile(scope, done.id, done.kind || object!.kind);
    });
    const file = held.value;
    const ours = run;
    return streamOf(object.info, done, file, async () => {
      discardBody(file.response.body, file.body);
      // The held session goes back first: the delete borrows one, and with every session held by
      // a delivery waiting to delete its own instance, none would ever be free.
      await held.done();
      if (!request.keepInstance) await removeQuietly(context, ours, 'delete instance');
    });
  } catch (error) {
    if (run) {
      const stopped = signal.aborted;
      if (!request.keepInstance || stopped) {
        await removeQuietly(context, run, stopped ? 'cancel run' : 'delete instance');
      }
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function runName(object: RepositoryObject): string {
  return `bidrop ${object.info.name} ${new Date().toISOString()}`.slice(0, 200);
}

function timeoutError(ms: number): BidropError {
  return biError(
    BiErrorCode.scheduleTimeout,
    `The BI platform's run did not finish within ${formatAge(ms)}; bidrop cancelled it`,
    { hint: 'Raise scheduleTimeout, or check the job servers in the CMC.' },
  );
}

/** Polls the run's status (§3.4) with back-off until it ends; each poll borrows a session. */
async function waitForRun(
  context: OriginContext,
  run: ServerRun,
  signal: AbortSignal,
): Promise<Instance> {
  let delay = context.polling.firstMs;
  let pausedSince: number | undefined;
  let last: number | undefined;

  for (;;) {
    const instance = await context.withSession(signal, (scope) => instanceById(scope, run.id));
    if (!instance) {
      throw biError(BiErrorCode.scheduleFailed, `The instance ${run.id} of bidrop's run vanished`, {
        hint: 'An instance limit or an administrator may have deleted it; check the limits in the CMC.',
      });
    }
    if (instance.status !== last) {
      context.emit({ type: 'schedule', instance: run.id, status: statusName(instance.status) });
      last = instance.status;
    }
    switch (instance.status) {
      case ScheduleStatus.success:
      case ScheduleStatus.warning:
        return instance;
      case ScheduleStatus.running:
      case ScheduleStatus.pending:
        pausedSince = undefined;
        break;
      case ScheduleStatus.paused:
        pausedSince ??= Date.now();
        if (Date.now() - pausedSince < context.polling.pausedGraceMs) break;
        throw await runFailed(context, run, instance, signal);
      default:
        throw await runFailed(context, run, instance, signal);
    }
    await sleep(delay, undefined, { signal }).catch(() => {
      throw abortReason(signal);
    });
    delay = Math.min(delay * 2, context.polling.maxMs);
  }
}

async function runFailed(
  context: OriginContext,
  run: ServerRun,
  instance: Instance,
  signal: AbortSignal,
): Promise<BidropError> {
  const message =
    instance.failure ??
    (await context
      .withSession(signal, (scope) => raylightRunError(scope, run))
      .catch(() => undefined));
  return biError(
    BiErrorCode.scheduleFailed,
    `The BI platform's run (instance ${run.id}) ended ${statusName(instance.status)}${message ? `: ${message}` : ''}`,
    { hint: 'Read the message above; the instance history in the CMC has the details.' },
  );
}

/** Cancels or deletes a run with a short signal of its own; a failure becomes an event. */
async function removeQuietly(context: OriginContext, run: ServerRun, step: string): Promise<void> {
  try {
    await context.withSession(AbortSignal.timeout(cleanupTimeoutMs), (scope) =>
      removeRun(scope, run),
    );
  } catch (error) {
    context.emit({
      type: 'cleanup-failed',
      step: `${step} ${run.id}`,
      code: error instanceof BidropError ? error.code : 'ERROR',
      message:
        error instanceof AbortedError
          ? 'timed out'
          : error instanceof Error
            ? error.message
            : String(error),
    });
  }
}
