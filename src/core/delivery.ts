/**
 * The two seams of the design (DESIGN.md, "Shape of the code"). A source turns a document and an
 * export request into a byte stream; a destination turns a path and a stream into a delivered
 * file. The runner joins the two and knows neither's internals.
 */
import type { Readable } from 'node:stream';

export type ExportFormat = 'pdf' | 'xlsx' | 'xls' | 'csv';

/** How a document is named in config or on the command line. */
export type DocumentRef =
  { kind: 'id'; id: number } | { kind: 'cuid'; cuid: string } | { kind: 'path'; path: string };

/** What a source must produce: one document (or one report of it) in one format. */
export interface ExportRequest {
  document: DocumentRef;
  format: ExportFormat;
  /** A report (tab) name; the whole document when absent. */
  report?: string;
  /** Prompt answers by prompt name; several values for a multi-value prompt. */
  prompts?: Record<string, string[]>;
  /** Where the bytes come from: a refresh (default), the newest instance, or a run on the server. */
  from?: 'refresh' | 'latest-instance' | 'schedule';
  /** With `latest-instance`: refuse an instance that ended longer ago than this. */
  maxAgeMs?: number;
  /**
   * With `latest-instance`: the instance the target last received. When the newest instance is
   * still this one (same id and end time), the source opens no file and answers `sameInstance`.
   */
  unlessInstance?: { id: number; endedAt?: string };
  /** With `schedule`: keep the instance the run created instead of deleting it after download. */
  keepInstance?: boolean;
  /** With `schedule`: how long to wait for the platform's run before cancelling it. */
  scheduleTimeoutMs?: number;
  /**
   * Count the rows the refresh fetched, for `rows` (default true, for compatibility). Only
   * `skipEmpty` needs the count, and it costs the BI source extra calls per export.
   */
  countRows?: boolean;
  signal?: AbortSignal;
}

export interface DocumentInfo {
  id: number;
  cuid: string;
  name: string;
  folder?: string;
  updated?: string;
}

export interface ExportedStream {
  document: DocumentInfo;
  contentType: string;
  /** The bytes; never buffered whole by the source. */
  body: Readable;
  /** Bytes expected, when the server said. */
  size?: number;
  /** Data rows the refresh returned, when the source knows; 0 marks an empty report. */
  rows?: number;
  /** The platform instance delivered (latest-instance, schedule), so history can skip it next time. */
  instance?: { id: number; cuid?: string; endedAt?: string };
  /** The newest instance is the request's `unlessInstance`: `body` is empty, nothing was fetched. */
  sameInstance?: boolean;
  /** Closes the document and gives the session back; idempotent; runs on success and failure. */
  release(): Promise<void>;
}

export interface Source {
  export(request: ExportRequest): Promise<ExportedStream>;
  close(): Promise<void>;
}

export type ConflictPolicy = 'overwrite' | 'add' | 'fail';

export interface DeliverOptions {
  conflict: ConflictPolicy;
  /** Compare with the file already at `path` and upload nothing when equal. */
  skipUnchanged: boolean;
  sharedLink: boolean;
  signal?: AbortSignal;
  /** Called with the number of bytes confirmed so far, for progress display. */
  onProgress?: (bytes: number) => void;
}

export interface DeliveredFile {
  status: 'delivered' | 'unchanged';
  /** Final path at the destination (it may differ from the asked one with `conflict: add`). */
  path: string;
  bytes: number;
  contentHash: string;
  revision?: string;
  link?: string;
}

export interface Destination {
  readonly name: string;
  deliver(path: string, body: Readable, options: DeliverOptions): Promise<DeliveredFile>;
  close(): Promise<void>;
}
