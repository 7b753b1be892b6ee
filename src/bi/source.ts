/**
 * The BI source: the Source seam of core/delivery.ts on top of the session pool. Every operation
 * holds one session for its whole length, and when that session's token expired (401) it logs on
 * again and starts the operation over once, because the server forgot the opened document too.
 */
import type { BiConnection } from '../config/index.js';
import {
  BiError,
  BidropError,
  defaultRetryPolicy,
  type DocumentInfo,
  type DocumentRef,
  type ExportedStream,
  type ExportRequest,
  type RetryPolicy,
  type Source,
} from '../core/index.js';
import { biError, BiErrorCode } from './codes.js';
import {
  closeDocument,
  findReport,
  listDocuments,
  listReportTabs,
  openDocument,
  refreshedRows,
} from './documents.js';
import type { BiEvent } from './events.js';
import { startExport } from './export.js';
import { abortReason, BiHttp } from './http.js';
import {
  documentsByQuery,
  documentsInFolder,
  FolderPaths,
  pathSegments,
  toDocumentInfo,
  type InfoObject,
} from './infostore.js';
import { logoff, logon } from './logon.js';
import { defaultDocumentMemoMs, DocumentMemo, type Resolved } from './memo.js';
import { SessionPool, type Session } from './pool.js';
import { answerAndRefresh, readAnswerParameters, readPrompts, type PromptInfo } from './prompts.js';
import {
  defaultPolling,
  exportBySchedule,
  exportLatestInstance,
  type OriginContext,
  type SchedulePolling,
} from './origins.js';
import { listRecurring, type RecurringSchedule } from './recurring.js';
import { resolveObjectRef } from './resolve.js';
import type { Scope } from './scope.js';

export interface BiSourceOptions {
  /** Wait for a free session when the licence is exhausted (default: the connection's, or 5 min). */
  sessionWaitMs?: number;
  /** Bound on opening, answering, refreshing and starting one export (default 30 min). */
  exportTimeoutMs?: number;
  retry?: RetryPolicy;
  onEvent?: (event: BiEvent) => void;
  /** Status polling of runs on the platform (from: schedule); defaults in origins.ts. */
  schedulePolling?: Partial<SchedulePolling>;
  /**
   * How long a document's resolution, prompts and report tabs are reused by later exports
   * (default 10 min, memo.ts); 0 asks the platform again for every export.
   */
  documentMemoMs?: number;
}

export type DocumentSelector = { folder: string; recursive?: boolean } | { query: string };

export interface BiSource extends Source {
  findDocuments(selector: DocumentSelector, signal?: AbortSignal): Promise<DocumentInfo[]>;
  resolveDocument(ref: DocumentRef, signal?: AbortSignal): Promise<DocumentInfo>;
  /** Like resolveDocument, for any kind of repository object (Crystal, uploaded files...). */
  resolveObject(ref: DocumentRef, signal?: AbortSignal): Promise<DocumentInfo>;
  listReports(ref: DocumentRef, signal?: AbortSignal): Promise<string[]>;
  listPrompts(ref: DocumentRef, signal?: AbortSignal): Promise<PromptInfo[]>;
  /** The recurring schedules on the platform, of documents under `folder` when given. */
  listRecurringSchedules(folder?: string, signal?: AbortSignal): Promise<RecurringSchedule[]>;
  /** Sessions logged on right now. */
  openSessions(): number;
  /** Logs off every session; idempotent; runs every step even if one fails. */
  close(): Promise<void>;
}

const everyDocumentQuery =
  "SELECT SI_ID, SI_CUID, SI_NAME, SI_KIND, SI_PARENT_FOLDER, SI_UPDATE_TS FROM CI_INFOOBJECTS WHERE SI_KIND='Webi' AND SI_INSTANCE=0";
const queryRefusals = new Set<string>([
  BiErrorCode.forbidden,
  BiErrorCode.badRequest,
  BiErrorCode.notFound,
]);

/** Defaults of bidrop.yaml's bi section (config/schema.ts), for callers without a config file. */
const defaultSessionWaitMs = 300_000;
const defaultExportTimeoutMs = 1_800_000;

/** A BI source for one connection. Nothing is sent before the first call. */
export function createBiSource(connection: BiConnection, options: BiSourceOptions = {}): BiSource {
  return new RestBiSource(connection, options);
}

class RestBiSource implements BiSource {
  private readonly http: BiHttp;
  private readonly pool: SessionPool;
  private readonly folders = new FolderPaths();
  private readonly memo: DocumentMemo;
  private readonly emit: (event: BiEvent) => void;
  private readonly exportTimeoutMs: number;
  private closing: Promise<void> | undefined;
  private readonly origins: OriginContext;

  constructor(connection: BiConnection, options: BiSourceOptions) {
    this.emit = options.onEvent ?? (() => {});
    this.memo = new DocumentMemo(options.documentMemoMs ?? defaultDocumentMemoMs);
    this.origins = {
      withSession: (signal, operation) => this.withSession(signal, operation),
      holdSession: (signal, operation) => this.holdSession(signal, operation),
      resolveObject: (scope, ref) => this.resolveAny(scope, ref, true),
      emit: (event) => this.emit(event),
      polling: { ...defaultPolling, ...options.schedulePolling },
    };
    this.http = new BiHttp(connection.url, {
      retry: options.retry ?? defaultRetryPolicy,
      onEvent: this.emit,
    });
    this.exportTimeoutMs =
      options.exportTimeoutMs ??
      (connection.exportTimeoutSeconds !== undefined
        ? connection.exportTimeoutSeconds * 1000
        : defaultExportTimeoutMs);
    this.pool = new SessionPool({
      max: connection.sessions,
      waitMs:
        options.sessionWaitMs ??
        (connection.sessionWaitSeconds !== undefined
          ? connection.sessionWaitSeconds * 1000
          : defaultSessionWaitMs),
      logon: (signal) => logon(this.http, connection, signal),
      logoff: (token) => logoff(this.http, token),
      onEvent: this.emit,
    });
  }

  openSessions(): number {
    return this.pool.size;
  }

  async findDocuments(selector: DocumentSelector, signal?: AbortSignal): Promise<DocumentInfo[]> {
    const found = await this.findUnremembered(selector, signal);
    // Every way of finding lists Web Intelligence documents only; the exports that follow
    // planning then need no resolution of their own.
    for (const info of found) this.memo.remember(undefined, { info, kind: 'Webi' });
    return found;
  }

  private async findUnremembered(
    selector: DocumentSelector,
    signal?: AbortSignal,
  ): Promise<DocumentInfo[]> {
    return this.withSession(signal, async (scope) => {
      if ('query' in selector) {
        const found = await documentsByQuery(scope, selector.query);
        return Promise.all(found.map((o) => this.describe(scope, o)));
      }
      if (pathSegments(selector.folder).length === 0 && selector.recursive) {
        // Everything: one paged query instead of a walk of every folder; it also gives the
        // update time, which Raylight's list lacks. Raylight's list is the fallback for users
        // the CMS query refuses.
        try {
          const found = await documentsByQuery(scope, everyDocumentQuery);
          return await Promise.all(found.map((o) => this.describe(scope, o)));
        } catch (error) {
          if (!(error instanceof BiError) || !queryRefusals.has(error.code)) throw error;
        }
        const documents = await listDocuments(scope);
        return Promise.all(
          documents.map(async ({ folderId, state: _state, ...info }) => {
            const folder =
              folderId === undefined ? undefined : await this.folders.ofFolder(scope, folderId);
            return folder === undefined ? info : { ...info, folder: folder || '/' };
          }),
        );
      }
      return documentsInFolder(scope, selector.folder, selector.recursive ?? false);
    });
  }

  async resolveDocument(ref: DocumentRef, signal?: AbortSignal): Promise<DocumentInfo> {
    return this.withSession(signal, (scope) => this.resolve(scope, ref));
  }

  async resolveObject(ref: DocumentRef, signal?: AbortSignal): Promise<DocumentInfo> {
    return this.withSession(
      signal,
      async (scope) => (await this.resolveAny(scope, ref, true)).info,
    );
  }

  async listReports(ref: DocumentRef, signal?: AbortSignal): Promise<string[]> {
    return this.withSession(signal, (scope) =>
      this.withOpenDocument(scope, ref, async (document) =>
        (await listReportTabs(scope, document.id)).map((r) => r.name),
      ),
    );
  }

  async listRecurringSchedules(
    folder?: string,
    signal?: AbortSignal,
  ): Promise<RecurringSchedule[]> {
    return this.withSession(signal, (scope) => listRecurring(scope, this.folders, folder));
  }

  async listPrompts(ref: DocumentRef, signal?: AbortSignal): Promise<PromptInfo[]> {
    return this.withSession(signal, (scope) =>
      this.withOpenDocument(scope, ref, (document) => readPrompts(scope, document.id)),
    );
  }

  async export(request: ExportRequest): Promise<ExportedStream> {
    // The other ways out bound themselves: a platform run by its schedule timeout.
    if (request.from === 'latest-instance') return exportLatestInstance(this.origins, request);
    if (request.from === 'schedule') return exportBySchedule(this.origins, request);

    const timeout = new AbortController();
    const timer = setTimeout(() => {
      timeout.abort(
        biError(
          BiErrorCode.exportTimeout,
          `The export did not start within ${Math.round(this.exportTimeoutMs / 1000)} s`,
          {
            hint: 'Raise bi.exportTimeoutSeconds, or narrow the prompts so the refresh is shorter.',
          },
        ),
      );
    }, this.exportTimeoutMs);
    const signal = request.signal
      ? AbortSignal.any([request.signal, timeout.signal])
      : timeout.signal;

    try {
      const session = await this.pool.acquire(signal);
      const scope: Scope = { http: this.http, session, signal };
      try {
        return await this.retryOnExpiry(scope, () => this.exportOnce(scope, request));
      } catch (error) {
        await this.pool.release(session, { discard: expired(error) });
        throw error;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One attempt: resolve, open, pick the report, answer and refresh, start the download. What
   * the memo holds is not asked again; a failure forgets the document, so a retry asks afresh.
   */
  private async exportOnce(scope: Scope, request: ExportRequest): Promise<ExportedStream> {
    const document = await this.resolve(scope, request.document);
    try {
      await openDocument(scope, document.id);
    } catch (error) {
      if (!expired(error)) this.memo.forget(document.id, request.document);
      throw error;
    }

    let started;
    let rows: number | undefined;
    try {
      let reportId: number | undefined;
      if (request.report !== undefined) {
        reportId = findReport(
          await this.reportTabs(scope, document.id),
          request.report,
          document.name,
        ).id;
      } else if (request.format === 'csv') {
        // Whole-document CSV is not known to work (§3.4); a one-report document needs no choice.
        const reports = await this.reportTabs(scope, document.id);
        if (reports.length === 1) reportId = reports[0]!.id;
      }
      await answerAndRefresh(
        scope,
        document.id,
        request.prompts ?? {},
        await this.answerParameters(scope, document.id),
      );
      // Two calls only skipEmpty needs (ExportRequest.countRows).
      if (request.countRows !== false) rows = await refreshedRows(scope, document.id);
      started = await startExport(scope, document.id, request.format, reportId);
    } catch (error) {
      if (!expired(error)) {
        this.memo.forget(document.id, request.document);
        await this.closeQuietly(scope, document.id);
      }
      throw error;
    }

    const { response, call, contentType, size } = started;
    const body = this.http.guardBody(response.body, call);
    let released: Promise<void> | undefined;
    const release = (): Promise<void> =>
      (released ??= (async () => {
        if (!response.body.readableEnded) {
          // undici reports an unread body's destruction as an error, and the guard passes it on
          // to the caller's stream; nobody is listening to either any more.
          response.body.on('error', () => {});
          body.on('error', () => {});
          response.body.destroy();
        }
        const closed = await this.closeQuietly({ ...scope, signal: undefined }, document.id);
        await this.pool.release(scope.session, { discard: !closed });
      })());

    return {
      document,
      contentType,
      body,
      ...(size !== undefined && { size }),
      ...(rows !== undefined && { rows }),
      release,
    };
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      await this.pool.close().catch(() => {});
      await this.http.close();
    })();
    return this.closing;
  }

  /** Runs `operation` with a session of its own, re-logging on once if the token expired. */
  private async withSession<T>(
    signal: AbortSignal | undefined,
    operation: (scope: Scope) => Promise<T>,
  ): Promise<T> {
    const session = await this.pool.acquire(signal);
    const scope: Scope = { http: this.http, session, signal };
    let discard = false;
    try {
      return await this.retryOnExpiry(scope, () => operation(scope));
    } catch (error) {
      discard = expired(error);
      throw error;
    } finally {
      await this.pool.release(session, { discard });
    }
  }

  /** Like withSession, but the session stays taken (for a download) until `done` is called. */
  private async holdSession<T>(
    signal: AbortSignal | undefined,
    operation: (scope: Scope) => Promise<T>,
  ): Promise<{ value: T; session: Session; done: (discard?: boolean) => Promise<void> }> {
    const session = await this.pool.acquire(signal);
    const scope: Scope = { http: this.http, session, signal };
    try {
      const value = await this.retryOnExpiry(scope, () => operation(scope));
      return { value, session, done: (discard = false) => this.pool.release(session, { discard }) };
    } catch (error) {
      await this.pool.release(session, { discard: expired(error) });
      throw error;
    }
  }

  private async retryOnExpiry<T>(scope: Scope, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (!expired(error)) throw error;
      if (scope.signal?.aborted) throw abortReason(scope.signal);
      await this.pool.relogon(scope.session, scope.signal);
      return operation();
    }
  }

  private async withOpenDocument<T>(
    scope: Scope,
    ref: DocumentRef,
    operation: (document: DocumentInfo) => Promise<T>,
  ): Promise<T> {
    const document = await this.resolve(scope, ref);
    await openDocument(scope, document.id);
    try {
      return await operation(document);
    } finally {
      await this.closeQuietly(scope, document.id);
    }
  }

  /** Closes a document; a failure is reported as an event, and the answer says if it worked. */
  private async closeQuietly(scope: Scope, documentId: number): Promise<boolean> {
    try {
      await closeDocument(scope, documentId);
      return true;
    } catch (error) {
      this.emit({
        type: 'cleanup-failed',
        step: `close document ${documentId}`,
        code: error instanceof BidropError ? error.code : 'ERROR',
        message: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }

  private async resolve(scope: Scope, ref: DocumentRef): Promise<DocumentInfo> {
    return (await this.resolveAny(scope, ref, false)).info;
  }

  /** Resolves through the memo; with `anyKind`, objects other than Webi documents are accepted. */
  private async resolveAny(scope: Scope, ref: DocumentRef, anyKind: boolean): Promise<Resolved> {
    const known = this.memo.resolution(ref, !anyKind);
    if (known) return known;
    const resolved = await resolveObjectRef(scope, ref, this.folders, anyKind);
    this.memo.remember(ref, resolved);
    return resolved;
  }

  /**
   * The prompts as a freshly opened document shows them. Opening after a discarding close shows
   * the same ones every time, so within the memo's age they are read once per document; for a
   * document without prompts, every later refresh is then a single PUT without a body.
   */
  private async answerParameters(scope: Scope, documentId: number) {
    const known = this.memo.parameters(documentId);
    if (known) return known;
    const read = await readAnswerParameters(scope, documentId);
    this.memo.rememberParameters(documentId, read);
    return read;
  }

  private async reportTabs(scope: Scope, documentId: number) {
    const known = this.memo.reportTabs(documentId);
    if (known) return known;
    const read = await listReportTabs(scope, documentId);
    this.memo.rememberReportTabs(documentId, read);
    return read;
  }

  private async describe(scope: Scope, object: InfoObject): Promise<DocumentInfo> {
    return toDocumentInfo(object, await this.folders.of(scope, object));
  }
}

function expired(error: unknown): boolean {
  return error instanceof BiError && error.code === BiErrorCode.sessionExpired;
}

export type { Session };
