/** Upload session routes (note §5): start, append(_v2), finish, start_batch, finish_batch(_v2/check). */
import { truncate } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { bool, list, opt, req, str, struct, uint, union, type Tagged } from './args.js';
import { commitContent, commitInfo, contentHashArg, type CommitArg } from './commit.js';
import { RouteFailure } from './http-io.js';
import { WriteFailure, fileMetadata, type FileEntry } from './metadata.js';
import { randomToken } from './random.js';
import { route, type RouteDef } from './route.js';
import { SessionProblem, type UploadSession } from './sessions.js';
import type { EmulatorState } from './state.js';

const cursor = struct({ session_id: req(str), offset: req(uint) });
const sessionType = union({ sequential: null, concurrent: null });
const finishArg = struct({
  cursor: req(cursor),
  commit: req(commitInfo),
  content_hash: opt(contentHashArg),
});
type FinishArg = ReturnType<typeof finishArg>;

/** An `UploadSessionAppendError`: the lookup tags sit at top level (note §5.3). */
function appendFailure(problem: SessionProblem): RouteFailure {
  return new RouteFailure([problem.tag], { '.tag': problem.tag, ...problem.extra });
}

/** An `UploadSessionFinishError`: lookup tags under `lookup_failed`, writes under `path` (§5.4). */
function finishFailure(error: unknown): unknown {
  if (error instanceof SessionProblem) {
    if (error.topLevel) return appendFailure(error);
    return new RouteFailure(['lookup_failed', error.tag], {
      '.tag': 'lookup_failed',
      lookup_failed: { '.tag': error.tag, ...error.extra },
    });
  }
  if (error instanceof WriteFailure) {
    return new RouteFailure(['path', ...error.tags], { '.tag': 'path', path: error.error });
  }
  return error;
}

async function countBody(req: IncomingMessage): Promise<number> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) size += chunk.length;
  return size;
}

/**
 * Finishes a session: takes the request's final bytes (sequential) and commits. `req` is absent
 * in batches, where every session must already be closed. On a write error the session stays
 * open with its data, so the commit can be retried with an empty body (note §5.4).
 */
async function finish(
  state: EmulatorState,
  session: UploadSession,
  arg: FinishArg,
  req: IncomingMessage | undefined,
): Promise<FileEntry> {
  if (session.committed) throw new SessionProblem('closed');
  let size: number;

  if (session.type === 'concurrent') {
    if (req && (await countBody(req)) > 0) {
      throw new SessionProblem('concurrent_session_data_not_allowed', {}, true);
    }
    if (!session.closed) {
      throw new SessionProblem(req ? 'concurrent_session_not_closed' : 'not_closed', {}, !!req);
    }
    const total = state.sessions.assembled(session);
    if (total === undefined) throw new SessionProblem('concurrent_session_missing_data', {}, true);
    if (arg.cursor.offset !== total) {
      throw new SessionProblem('incorrect_offset', { correct_offset: total });
    }
    await truncate(session.file, total);
    size = total;
  } else {
    if (!req && !session.closed) throw new SessionProblem('not_closed');
    if (arg.cursor.offset !== session.size) {
      throw new SessionProblem('incorrect_offset', { correct_offset: session.size });
    }
    if (req && !session.closed) {
      await state.sessions.append(session, req, {
        offset: arg.cursor.offset,
        close: false,
        contentHash: arg.content_hash,
        limit: state.maxRequestBytes,
        bytesPerSecond: state.bytesPerSecond,
      });
    } else if (req && (await countBody(req)) > 0) {
      throw new SessionProblem('closed');
    }
    size = session.size;
  }

  const hash = await state.blobs.hashFile(session.file);
  const file = await commitContent(state, session.file, { hash, size }, arg.commit as CommitArg);
  await state.sessions.commit(session);
  return file;
}

function sessionOf(state: EmulatorState, id: string): UploadSession {
  const session = state.sessions.get(id);
  if (!session) throw new SessionProblem('not_found');
  return session;
}

/** Finishes batch entries one after the other, each to success or failure (note §5.5). */
async function finishEntries(state: EmulatorState, entries: FinishArg[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const entry of entries) {
    try {
      const session = sessionOf(state, entry.cursor.session_id);
      const file = await state.sessions.exclusive(session, () =>
        finish(state, session, entry, undefined),
      );
      results.push({ '.tag': 'success', ...fileMetadata(file) });
    } catch (error) {
      const failure = finishFailure(error);
      if (!(failure instanceof RouteFailure)) throw failure;
      results.push({ '.tag': 'failure', failure: failure.error });
    }
  }
  return results;
}

const start = route(
  struct({
    close: opt(bool, false),
    session_type: opt(sessionType),
    content_hash: opt(contentHashArg),
  }),
  {
    style: 'upload',
    auth: 'user',
    scope: 'files.content.write',
    writes: true,
    async handle({ state, req, arg }) {
      const type =
        (arg.session_type as Tagged | undefined)?.tag === 'concurrent'
          ? 'concurrent'
          : 'sequential';
      if (type === 'concurrent') {
        if (arg.close)
          throw appendFailure(new SessionProblem('concurrent_session_close_not_allowed'));
        if ((await countBody(req)) > 0) {
          throw appendFailure(new SessionProblem('concurrent_session_data_not_allowed'));
        }
        return { session_id: (await state.sessions.create('concurrent')).id };
      }

      const session = await state.sessions.create('sequential');
      try {
        await state.sessions.append(session, req, {
          offset: 0,
          close: arg.close ?? false,
          contentHash: arg.content_hash,
          limit: state.maxRequestBytes,
          bytesPerSecond: state.bytesPerSecond,
        });
      } catch (error) {
        throw error instanceof SessionProblem ? appendFailure(error) : error;
      }
      return { session_id: session.id };
    },
  },
);

function appendRoute(argCheck: typeof appendV2Arg): RouteDef {
  return route(argCheck, {
    style: 'upload',
    auth: 'user',
    scope: 'files.content.write',
    writes: true,
    async handle({ state, req, arg }) {
      try {
        const session = sessionOf(state, arg.cursor.session_id);
        await state.sessions.exclusive(session, () =>
          state.sessions.append(session, req, {
            offset: arg.cursor.offset,
            close: arg.close ?? false,
            contentHash: arg.content_hash,
            limit: state.maxRequestBytes,
            bytesPerSecond: state.bytesPerSecond,
          }),
        );
      } catch (error) {
        throw error instanceof SessionProblem ? appendFailure(error) : error;
      }
      return null;
    },
  });
}

const appendV2Arg = struct({
  cursor: req(cursor),
  close: opt(bool, false),
  content_hash: opt(contentHashArg),
});
// The deprecated v1 append takes the bare cursor as its argument (note §5.3).
const appendV1Arg: typeof appendV2Arg = (value, at) => {
  const bare = cursor(value, at);
  return { cursor: bare, close: false, content_hash: undefined };
};

const finishRoute = route(finishArg, {
  style: 'upload',
  auth: 'user',
  scope: 'files.content.write',
  writes: true,
  async handle({ state, req, arg }) {
    try {
      const session = sessionOf(state, arg.cursor.session_id);
      const file = await state.sessions.exclusive(session, () => finish(state, session, arg, req));
      return fileMetadata(file);
    } catch (error) {
      throw finishFailure(error);
    }
  },
});

const startBatch = route(struct({ num_sessions: req(uint), session_type: opt(sessionType) }), {
  style: 'rpc',
  auth: 'user',
  scope: 'files.content.write',
  writes: true,
  async handle({ state, arg }) {
    const type =
      (arg.session_type as Tagged | undefined)?.tag === 'concurrent' ? 'concurrent' : 'sequential';
    const count = Math.min(Math.max(arg.num_sessions, 1), 1000);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await state.sessions.create(type)).id);
    return { session_ids: ids };
  },
});

const batchArg = struct({ entries: req(list(finishArg, 1000)) });

const finishBatchV2 = route(batchArg, {
  style: 'rpc',
  auth: 'user',
  scope: 'files.content.write',
  writes: true,
  handle: async ({ state, arg }) => ({ entries: await finishEntries(state, arg.entries) }),
});

// The deprecated asynchronous batch: a job id now, the entries through /check (note §5.5).
const finishBatch = route(batchArg, {
  style: 'rpc',
  auth: 'user',
  scope: 'files.content.write',
  writes: true,
  async handle({ state, arg }) {
    const id = `dbjid:${randomToken(40)}`;
    const job = { done: false, entries: [] as unknown[] };
    state.jobs.set(id, job);
    setImmediate(() => {
      finishEntries(state, arg.entries).then(
        (entries) => Object.assign(job, { done: true, entries }),
        () => Object.assign(job, { done: true, entries: [] }),
      );
    });
    return { '.tag': 'async_job_id', async_job_id: id };
  },
});

const finishBatchCheck = route(struct({ async_job_id: req(str) }), {
  style: 'rpc',
  auth: 'user',
  scope: 'files.content.write',
  async handle({ state, arg }) {
    const job = state.jobs.get(arg.async_job_id);
    if (!job) throw new RouteFailure(['invalid_async_job_id'], { '.tag': 'invalid_async_job_id' });
    return job.done ? { '.tag': 'complete', entries: job.entries } : { '.tag': 'in_progress' };
  },
});

export const sessionRoutes: Array<[string, RouteDef]> = [
  ['/2/files/upload_session/start', start],
  ['/2/files/upload_session/append_v2', appendRoute(appendV2Arg)],
  ['/2/files/upload_session/append', appendRoute(appendV1Arg)],
  ['/2/files/upload_session/finish', finishRoute],
  ['/2/files/upload_session/start_batch', startBatch],
  ['/2/files/upload_session/finish_batch_v2', finishBatchV2],
  ['/2/files/upload_session/finish_batch', finishBatch],
  ['/2/files/upload_session/finish_batch/check', finishBatchCheck],
];
