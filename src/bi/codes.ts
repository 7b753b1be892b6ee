/**
 * The stable error codes of the BI client. A code, once published, keeps its meaning; add new
 * ones rather than reusing one.
 */
import { BiError, type ErrorDetails } from '../core/index.js';

export const BiErrorCode = {
  /** The server could not be reached at all (refused, unknown host, connect timeout). */
  unreachable: 'BI_UNREACHABLE',
  /** A connection dropped or timed out after it was made. */
  connectionLost: 'BI_CONNECTION_LOST',
  /** Wrong user name, password or authentication type (`FWB 00008`). */
  logonFailed: 'BI_LOGON_FAILED',
  /** Every concurrent-session licence stayed in use for the whole wait. */
  licenceExhausted: 'BI_LICENCE_EXHAUSTED',
  /** The logon token expired or was refused (401 after logon); re-logon handles it once. */
  sessionExpired: 'BI_SESSION_EXPIRED',
  /** No document with this id, CUID or path, or not a Web Intelligence document. */
  documentNotFound: 'BI_DOCUMENT_NOT_FOUND',
  /** A folder of a path does not exist. */
  folderNotFound: 'BI_FOLDER_NOT_FOUND',
  /** The document has no report (tab) of that name. */
  reportNotFound: 'BI_REPORT_NOT_FOUND',
  /** Any other resource the server says does not exist (`WSR 00400`). */
  notFound: 'BI_NOT_FOUND',
  /** The user lacks the right to do this (403, `WSR 00402`). */
  forbidden: 'BI_FORBIDDEN',
  /** A mandatory prompt has no answer. */
  promptMissing: 'BI_PROMPT_MISSING',
  /** An answer names a prompt the document does not have. */
  promptUnknown: 'BI_PROMPT_UNKNOWN',
  /** The server or the client refused an answer (cardinality, `WSR 00100`/`00101`). */
  promptInvalid: 'BI_PROMPT_INVALID',
  /** Any other 4xx: the request broke a rule of the server. */
  badRequest: 'BI_BAD_REQUEST',
  /** 5xx: the server failed; retried. */
  serverError: 'BI_SERVER_ERROR',
  /** 418/429/503 with or without Retry-After: a proxy or the server asks to slow down; retried. */
  throttled: 'BI_THROTTLED',
  /** The server answered something this client cannot read. */
  badResponse: 'BI_BAD_RESPONSE',
  /** Opening, refreshing and starting the export took longer than the export timeout. */
  exportTimeout: 'BI_EXPORT_TIMEOUT',
  /** The object has no successful instance to deliver (from: latest-instance). */
  noInstance: 'BI_NO_INSTANCE',
  /** The newest successful instance ended longer ago than maxAge allows. */
  instanceTooOld: 'BI_INSTANCE_TOO_OLD',
  /** An instance holds several files; which one to deliver is not known. */
  instanceMultiFile: 'BI_INSTANCE_MULTI_FILE',
  /** A run the platform's job servers did for bidrop ended in failure (from: schedule). */
  scheduleFailed: 'BI_SCHEDULE_FAILED',
  /** The platform's run did not finish before the schedule timeout; bidrop cancelled it. */
  scheduleTimeout: 'BI_SCHEDULE_TIMEOUT',
  /** The source was closed while a call still wanted a session. */
  closed: 'BI_CLOSED',
} as const;

export type BiErrorCodeValue = (typeof BiErrorCode)[keyof typeof BiErrorCode];

/** A BiError with one of the codes above. */
export function biError(code: BiErrorCodeValue, message: string, details?: ErrorDetails): BiError {
  return new BiError(code, message, details);
}
