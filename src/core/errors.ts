/**
 * The error classes every module throws. Each carries a stable `code` (never reused for another
 * meaning), the fields an operator needs to act, and a `hint` that says what to do next.
 *
 * Messages must never contain secrets: build them from paths, statuses and remote summaries only,
 * and pass anything doubtful through `redact()`.
 */

export interface ErrorDetails {
  /** HTTP method of the failing call, if any. */
  method?: string;
  /** Endpoint path of the failing call, never with its query string. */
  endpoint?: string;
  status?: number;
  /** The remote service's own error code (`WSR 00400`, `path/insufficient_space`, ...). */
  remoteCode?: string;
  /** What to do next, in one sentence. */
  hint?: string;
  /** Whether retrying the same call may succeed (network fault, 429, 5xx). */
  transient?: boolean;
  /** Milliseconds the server asked us to wait before retrying (Retry-After). */
  retryAfterMs?: number;
  cause?: unknown;
}

export class BidropError extends Error {
  readonly code: string;
  readonly method: string | undefined;
  readonly endpoint: string | undefined;
  readonly status: number | undefined;
  readonly remoteCode: string | undefined;
  readonly hint: string | undefined;
  readonly transient: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.method = details.method;
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.remoteCode = details.remoteCode;
    this.hint = details.hint;
    this.transient = details.transient ?? false;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** A plain object for JSON output and history rows: no stack, no cause chain. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.method && { method: this.method }),
      ...(this.endpoint && { endpoint: this.endpoint }),
      ...(this.status !== undefined && { status: this.status }),
      ...(this.remoteCode && { remoteCode: this.remoteCode }),
      ...(this.hint && { hint: this.hint }),
    };
  }
}

/** The BI platform refused or failed a call (`BI_…`). */
export class BiError extends BidropError {}

/** Dropbox refused or failed a call, or the OAuth flow went wrong (`DROPBOX_…`). */
export class DropboxError extends BidropError {}

/** `bidrop.yaml`, a flag or an argument is wrong (`CONFIG_…`, `USAGE_…`). Exit code 2. */
export class ConfigError extends BidropError {}

/** A run or a delivery failed for a reason of its own (`RUN_…`). */
export class RunError extends BidropError {}

/** An Azot workflow is invalid or one of its calls failed (`WORKFLOW_…`). */
export class WorkflowError extends BidropError {}

/** A network-level failure (refused, reset, timed out) wrapped with its endpoint. */
export class NetworkError extends BidropError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('NETWORK_ERROR', message, { transient: true, ...details });
  }
}

/** An operation stopped because its AbortSignal fired (Ctrl-C, SIGTERM, a timeout). */
export class AbortedError extends BidropError {
  constructor(message = 'Stopped before it finished.', cause?: unknown) {
    super('ABORTED', message, cause === undefined ? {} : { cause });
  }
}

export function isBidropError(error: unknown): error is BidropError {
  return error instanceof BidropError;
}

/** One line for an operator: the message, then the hint if there is one. */
export function describeError(error: unknown): string {
  if (error instanceof BidropError) {
    const where = error.endpoint ? ` (${error.method ?? 'call'} ${error.endpoint})` : '';
    const hint = error.hint ? ` ${error.hint}` : '';
    // Collapse the ".." where a sentence joins another, never inside a path such as "/a/../b".
    return `${error.code}: ${error.message}${where}.${hint}`.replace(/\.\.(?= |$)/g, '.');
  }
  return error instanceof Error ? error.message : String(error);
}
