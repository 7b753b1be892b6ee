/**
 * Turns a failed HTTP exchange into a coded BiError. Both envelopes of bi4-rest.md §7.1 are read
 * (Raylight `{"error":{…}}`, platform `{"error_code":…}` and their XML forms); the server's own
 * code stays in `remoteCode`, its message (scrubbed of secrets) in the message.
 */
import { XMLParser } from 'fast-xml-parser';

import { parseRetryAfter, redact, type BiError } from '../core/index.js';
import { biError, BiErrorCode, type BiErrorCodeValue } from './codes.js';
import { asObject, text } from './wire.js';

export interface FailedExchange {
  method: string;
  /** Path under the base URL, without the query. */
  path: string;
  status: number;
  contentType: string | undefined;
  retryAfter: string | undefined;
  body: string;
  /** Logon calls read 401 as a wrong password, not as an expired token. */
  logon?: boolean;
}

/**
 * Codes and wording that mean "no concurrent-session licence is free". No source shows the real
 * answer (bi4-rest.md §10 question 3): the codes are the Enterprise SDK's licence errors as
 * remembered from CMC messages [inferred], the pattern catches the wording whatever the code.
 */
const licenceCodes = new Set(['FWB 00014', 'FWB 00025', 'FWB 00026']);
const licencePattern = /licen[cs]e|concurrent (access|session)|session limit|too many sessions/i;

const xml = new XMLParser({ processEntities: false, htmlEntities: false, ignoreAttributes: true });

/** The server's error code and message, from JSON or XML, or nothing if the body has neither. */
export function readErrorEnvelope(body: string): { code?: string; message?: string } {
  const trimmed = body.trim();
  let root: Record<string, unknown> = {};
  try {
    if (trimmed.startsWith('{')) root = asObject(JSON.parse(trimmed));
    else if (trimmed.startsWith('<')) root = asObject(xml.parse(trimmed));
  } catch {
    return {};
  }

  const inner = root.error && typeof root.error === 'object' ? asObject(root.error) : root;
  const code = text(inner.error_code);
  const message = text(inner.message);
  return { ...(code && { code: code.trim() }), ...(message && { message: oneLine(message) }) };
}

function oneLine(message: string): string {
  const flat = redact(message).replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

/** Whether a logon refusal means the licences are used up rather than bad credentials. */
export function isLicenceRefusal(remoteCode: string | undefined, message: string | undefined) {
  return (
    (remoteCode !== undefined && licenceCodes.has(remoteCode)) || licencePattern.test(message ?? '')
  );
}

/** The coded error for a non-2xx response. */
export function decodeBiError(exchange: FailedExchange): BiError {
  const { code: remoteCode, message: remoteMessage } = readErrorEnvelope(exchange.body);
  const { status } = exchange;
  const retryAfterMs = parseRetryAfter(exchange.retryAfter);
  const said = remoteMessage ? `: ${remoteMessage}` : remoteCode ? ` (${remoteCode})` : '';
  const base = {
    method: exchange.method,
    endpoint: exchange.path,
    status,
    ...(remoteCode && { remoteCode }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  };
  const make = (code: BiErrorCodeValue, message: string, hint: string, transient = false) =>
    biError(code, `${message}${said}`, { ...base, hint, transient });

  if (exchange.logon && isLicenceRefusal(remoteCode, remoteMessage)) {
    return make(
      BiErrorCode.licenceExhausted,
      'The BI platform has no free session licence',
      'Wait for other users to log off, lower bi.sessions, or ask the BI administrator for more licences.',
    );
  }
  if (exchange.logon && (status === 401 || remoteCode === 'FWB 00008')) {
    return make(
      BiErrorCode.logonFailed,
      'The BI platform refused the logon',
      'Check the BI user name, password and authentication type (bi.auth).',
    );
  }
  if (status === 401) {
    return make(
      BiErrorCode.sessionExpired,
      'The BI session is no longer valid',
      'Log on again; if this persists, check the session timeout of the BI web services.',
    );
  }
  if (status === 403 || remoteCode === 'WSR 00402') {
    return make(
      BiErrorCode.forbidden,
      'The BI user may not do this',
      'Ask the BI administrator for the right to view and refresh this document.',
    );
  }
  if (status === 404 || remoteCode === 'WSR 00400') {
    return make(
      BiErrorCode.notFound,
      'The BI platform has no such resource',
      'Check the document id, CUID or path with `bidrop docs`.',
    );
  }
  if (status === 418 || status === 429) {
    return make(
      BiErrorCode.throttled,
      'The BI platform asks to slow down',
      'Wait and run again; lower bi.sessions if it keeps happening.',
      true,
    );
  }
  if (status >= 500) {
    return make(
      BiErrorCode.serverError,
      `The BI platform failed (HTTP ${status})`,
      'Run again later; if it persists, the BI administrator should check the Web Intelligence servers.',
      true,
    );
  }
  if (/\/parameters$/.test(exchange.path) && /^WSR 0010[01]$/.test(remoteCode ?? '')) {
    return make(
      BiErrorCode.promptInvalid,
      'The BI platform refused a prompt answer',
      'Check the prompt values and how many each prompt takes (bidrop docs lists them).',
    );
  }
  return make(
    BiErrorCode.badRequest,
    `The BI platform refused the request (HTTP ${status})`,
    'This may be a bidrop bug or an unsupported BI version; run with --debug and report it.',
  );
}
