/**
 * Upload sessions (note §5.7): sequential ones grow by appends at the received length; concurrent
 * ones take 4 MiB-aligned chunks in any order and are assembled at their offsets. Each session's
 * bytes live in one file under `tmp/`, appended as they stream in.
 */
import { open, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { BlobStore } from './blobs.js';
import { randomToken } from './random.js';

/** Concurrent sessions take offsets and lengths in multiples of this (note §5.6). */
export const CONCURRENT_UNIT = 4 * 1024 * 1024;
/** Largest file a session can build: 2^41 − 2^22 bytes (note §5.1). */
export const MAX_SESSION_BYTES = 2 ** 41 - 2 ** 22;
/** Sessions expire after 7 days (note §5.1). */
export const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export type SessionType = 'sequential' | 'concurrent';

export interface UploadSession {
  id: string;
  type: SessionType;
  file: string;
  /** Sequential: bytes received. Concurrent: unused (see chunks). */
  size: number;
  closed: boolean;
  committed: boolean;
  createdAt: number;
  /** Concurrent: received chunks, offset → length. */
  chunks: Map<number, number>;
  /** Concurrent: where the closing chunk ends. */
  end: number | undefined;
  /** Serializes calls on one session. */
  queue: Promise<unknown>;
}

/**
 * A session lookup error (`UploadSessionLookupError` tags; note §5.3): at top level on append,
 * under `lookup_failed` on finish unless `topLevel`.
 */
export class SessionProblem extends Error {
  constructor(
    readonly tag: string,
    readonly extra: Record<string, unknown> = {},
    readonly topLevel = false,
  ) {
    super(tag);
  }
}

export interface AppendRequest {
  offset: number;
  close: boolean;
  contentHash: string | undefined;
  limit: number;
  bytesPerSecond: number | undefined;
}

export class SessionStore {
  private readonly sessions = new Map<string, UploadSession>();

  constructor(private readonly blobs: BlobStore) {}

  /** Opens an empty session. */
  async create(type: SessionType): Promise<UploadSession> {
    const file = this.blobs.tempPath('session');
    await (await open(file, 'w')).close();
    return this.register(type, file, 0);
  }

  /** Turns an already received body into an open sequential session (failed files/upload). */
  adopt(file: string, size: number): UploadSession {
    return this.register('sequential', file, size);
  }

  /** A live session, or undefined when unknown or expired. */
  get(id: string): UploadSession | undefined {
    const session = this.sessions.get(id);
    if (session && Date.now() - session.createdAt > SESSION_LIFETIME_MS) {
      this.sessions.delete(id);
      void unlink(session.file).catch(() => undefined);
      return undefined;
    }
    return session;
  }

  /** Runs `work` after every earlier call on the same session has finished. */
  exclusive<T>(session: UploadSession, work: () => Promise<T>): Promise<T> {
    const run = session.queue.then(work, work);
    session.queue = run.catch(() => undefined);
    return run;
  }

  /** Marks a session committed and frees its file; later calls answer `closed`. */
  async commit(session: UploadSession): Promise<void> {
    session.committed = true;
    session.closed = true;
    session.chunks.clear();
    await unlink(session.file).catch(() => undefined);
  }

  /** Appends a request body per the session rules; throws SessionProblem. */
  async append(session: UploadSession, req: IncomingMessage, ask: AppendRequest): Promise<number> {
    if (session.committed) throw new SessionProblem('closed');
    return session.type === 'sequential'
      ? this.appendSequential(session, req, ask)
      : this.appendConcurrent(session, req, ask);
  }

  /** Bytes that make up a concurrent session: the end, if every chunk below it arrived. */
  assembled(session: UploadSession): number | undefined {
    if (session.end === undefined) return undefined;
    let at = 0;
    while (at < session.end) {
      const length = session.chunks.get(at);
      if (length === undefined || length === 0) return undefined;
      at += length;
    }
    return at === session.end ? at : undefined;
  }

  private async appendSequential(
    session: UploadSession,
    req: IncomingMessage,
    ask: AppendRequest,
  ): Promise<number> {
    if (session.closed) throw new SessionProblem('closed');
    if (ask.offset !== session.size) {
      throw new SessionProblem('incorrect_offset', { correct_offset: session.size });
    }

    const got = await this.blobs.receive(req, session.file, {
      position: session.size,
      create: false,
      limit: ask.limit,
      bytesPerSecond: ask.bytesPerSecond,
    });
    const problem = checkReceived(got, ask, session.size);
    if (problem) {
      await this.blobs.cutBack(session.file, session.size);
      throw problem;
    }

    session.size += got.size;
    if (ask.close) session.closed = true;
    return got.size;
  }

  private async appendConcurrent(
    session: UploadSession,
    req: IncomingMessage,
    ask: AppendRequest,
  ): Promise<number> {
    if (ask.offset % CONCURRENT_UNIT !== 0) {
      throw new SessionProblem('concurrent_session_invalid_offset');
    }
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (!ask.close && Number.isFinite(declared) && declared % CONCURRENT_UNIT !== 0) {
      throw new SessionProblem('concurrent_session_invalid_data_size');
    }
    if (session.end !== undefined && (ask.close || ask.offset >= session.end)) {
      throw new SessionProblem('closed');
    }

    const got = await this.blobs.receive(req, session.file, {
      position: ask.offset,
      create: false,
      limit: ask.limit,
      bytesPerSecond: ask.bytesPerSecond,
    });
    // A rejected chunk leaves bytes in the file, but no record: it counts as never received.
    const problem = checkReceived(got, ask, ask.offset);
    if (problem) throw problem;
    if (!ask.close && got.size % CONCURRENT_UNIT !== 0) {
      throw new SessionProblem('concurrent_session_invalid_data_size');
    }

    session.chunks.set(ask.offset, got.size);
    if (ask.close) {
      session.end = ask.offset + got.size;
      session.closed = true;
    }
    return got.size;
  }

  private register(type: SessionType, file: string, size: number): UploadSession {
    const session: UploadSession = {
      id: `pid_upload_session:${randomToken(48)}`,
      type,
      file,
      size,
      closed: false,
      committed: false,
      createdAt: Date.now(),
      chunks: new Map(),
      end: undefined,
      queue: Promise.resolve(),
    };
    this.sessions.set(session.id, session);
    return session;
  }
}

function checkReceived(
  got: { size: number; hash: string; tooLarge: boolean },
  ask: AppendRequest,
  before: number,
): SessionProblem | undefined {
  if (got.tooLarge) return new SessionProblem('payload_too_large', {}, true);
  if (ask.contentHash !== undefined && ask.contentHash !== got.hash) {
    return new SessionProblem('content_hash_mismatch', {}, true);
  }
  if (before + got.size > MAX_SESSION_BYTES) return new SessionProblem('too_large');
  return undefined;
}
