/**
 * Decoding Dropbox's error responses (api/dropbox.md §8) into coded errors. Every shape has one
 * place here: 400 plain text, 401/403 JSON AuthError/AccessError, 409 route errors (tags nested or
 * inlined per the Stone rules, §3.7), 429 RateLimitError or text, and 5xx.
 */
import { DropboxError, parseRetryAfter, redact, type ErrorDetails } from '../core/index.js';

export interface DropboxErrorExtra {
  /** The chain of union tags, outermost first: `['path', 'conflict', 'file']`. */
  tags?: readonly string[];
  /** For `incorrect_offset`: where the server's copy of the session ends. */
  correctOffset?: number;
  /** The `error` member of the body, as parsed (Dropbox's own data; it holds no secrets). */
  detail?: unknown;
}

/** A Dropbox call that failed with a decoded reason. */
export class DropboxApiError extends DropboxError {
  readonly tags: readonly string[];
  readonly correctOffset: number | undefined;
  readonly detail: unknown;

  constructor(code: string, message: string, details: ErrorDetails & DropboxErrorExtra = {}) {
    const { tags, correctOffset, detail, ...rest } = details;
    super(code, message, rest);
    this.tags = tags ?? [];
    this.correctOffset = correctOffset;
    this.detail = detail;
  }
}

export interface FailedResponse {
  method: string;
  /** The route path, e.g. `/2/files/upload`; never a query string. */
  route: string;
  status: number;
  headers: Headers;
  text: string;
}

const reauthHint = (destination: string | undefined): string =>
  `Run \`bidrop auth dropbox${destination ? ` --destination ${destination}` : ''}\` to authorise again.`;

/** Turns a non-2xx Dropbox API response into a coded error. */
export function decodeApiError(res: FailedResponse, destination?: string): DropboxApiError {
  const base = { method: res.method, endpoint: res.route, status: res.status };
  const body = parseJson(res.text) as { error_summary?: unknown; error?: unknown } | undefined;
  const detail = body && typeof body === 'object' ? body.error : undefined;
  const tags = tagChain(detail, body?.error_summary);
  const summary = tags.join('/') || undefined;
  const common = { ...base, ...(summary && { remoteCode: summary }), tags, detail };

  if (res.status === 429) {
    const seconds = (detail as { retry_after?: unknown } | undefined)?.retry_after;
    const retryAfterMs =
      parseRetryAfter(res.headers.get('retry-after')) ??
      (typeof seconds === 'number' ? seconds * 1000 : 1000);
    const reason = tags.at(-1) ?? 'too_many_requests';
    return new DropboxApiError('DROPBOX_RATE_LIMITED', `Dropbox asked to slow down (${reason})`, {
      ...common,
      remoteCode: reason,
      transient: true,
      retryAfterMs,
      hint: 'bidrop waits as asked; lower `concurrency` if this persists.',
    });
  }
  if (res.status >= 500) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    return new DropboxApiError('DROPBOX_SERVER_ERROR', `Dropbox answered ${res.status}`, {
      ...base,
      transient: true,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      hint: 'A fault on Dropbox’s side; it was retried. Try again later.',
    });
  }
  if (res.status === 400) {
    return new DropboxApiError(
      'DROPBOX_BAD_REQUEST',
      `Dropbox refused the request: ${excerpt(res.text)}`,
      {
        ...base,
        hint: 'This is a bug in bidrop or a setting Dropbox refuses; please report it with the message.',
      },
    );
  }
  if (res.status === 401) return decodeAuthError(common, tags, detail, destination);
  if (res.status === 403) {
    return new DropboxApiError(
      'DROPBOX_FORBIDDEN',
      `Dropbox denied access (${summary ?? 'forbidden'})`,
      {
        ...common,
        hint: 'The account or app may not allow this operation.',
      },
    );
  }
  if (res.status === 409) return decodeRouteError(common, tags);

  return new DropboxApiError('DROPBOX_HTTP_ERROR', `Dropbox answered ${res.status}`, {
    ...common,
    hint: 'Unexpected answer; please report it with the message.',
  });
}

type Common = ErrorDetails & DropboxErrorExtra;

function decodeAuthError(
  common: Common,
  tags: readonly string[],
  detail: unknown,
  destination: string | undefined,
): DropboxApiError {
  switch (tags[0]) {
    case 'expired_access_token':
      return new DropboxApiError('DROPBOX_EXPIRED_TOKEN', 'The Dropbox access token has expired', {
        ...common,
        hint: 'bidrop refreshes it by itself; if this persists, ' + reauthHint(destination),
      });
    case 'invalid_access_token':
      return new DropboxApiError(
        'DROPBOX_INVALID_TOKEN',
        'Dropbox no longer accepts the access token (revoked or unknown)',
        {
          ...common,
          hint: reauthHint(destination),
        },
      );
    case 'missing_scope': {
      const scope = (detail as { required_scope?: unknown } | undefined)?.required_scope;
      return new DropboxApiError(
        'DROPBOX_MISSING_SCOPE',
        `The Dropbox app lacks the permission ${typeof scope === 'string' ? scope : '(unnamed)'}`,
        {
          ...common,
          hint: `Enable it in the App Console (Permissions tab), then ${reauthHint(destination).replace(/^Run/, 'run')}`,
        },
      );
    }
    default:
      return new DropboxApiError(
        'DROPBOX_UNAUTHORIZED',
        `Dropbox refused the credentials (${tags.join('/') || 'unauthorized'})`,
        {
          ...common,
          hint: reauthHint(destination),
        },
      );
  }
}

/** 409: a route-specific error; the tag chain says which. */
function decodeRouteError(common: Common, tags: readonly string[]): DropboxApiError {
  const has = (tag: string): boolean => tags.includes(tag);
  const summary = tags.join('/');
  const make = (code: string, message: string, hint: string, transient = false): DropboxApiError =>
    new DropboxApiError(code, message, { ...common, hint, transient });

  if (has('insufficient_space'))
    return make(
      'DROPBOX_INSUFFICIENT_SPACE',
      'The Dropbox account is full',
      'Free space in the Dropbox account or upgrade it, then run again.',
    );
  if (has('malformed_path'))
    return make(
      'DROPBOX_MALFORMED_PATH',
      'Dropbox refused the path as malformed',
      'Change the target path or the template that built it.',
    );
  if (has('disallowed_name'))
    return make(
      'DROPBOX_MALFORMED_PATH',
      'Dropbox does not store files with this name',
      'Change the file name.',
    );
  if (has('too_many_write_operations'))
    return make(
      'DROPBOX_TOO_MANY_WRITE_OPERATIONS',
      'Too many writes at once in this Dropbox',
      'bidrop retries; lower `concurrency` if this persists.',
      true,
    );
  if (has('incorrect_offset')) {
    return new DropboxApiError(
      'DROPBOX_INCORRECT_OFFSET',
      'Dropbox holds a different number of bytes for the upload session',
      {
        ...common,
        ...(findNumber(common.detail, 'correct_offset') !== undefined && {
          correctOffset: findNumber(common.detail, 'correct_offset')!,
        }),
        hint: 'bidrop resumes from the server’s offset; if this persists, please report it.',
      },
    );
  }
  if (has('conflict'))
    return make(
      'DROPBOX_CONFLICT',
      `Something is already at the path (${summary})`,
      'Use conflict: overwrite or add, or remove the existing item.',
    );
  if (has('no_write_permission') || has('team_folder') || has('access_restricted'))
    return make(
      'DROPBOX_NO_WRITE_PERMISSION',
      `Dropbox does not allow writing there (${summary})`,
      'Choose a folder the authorised account may write to.',
    );
  if (has('content_hash_mismatch'))
    return make(
      'DROPBOX_CONTENT_HASH_REJECTED',
      'Dropbox received different bytes than were sent',
      'Corrupted in transit; it was retried. Check the network if this persists.',
      true,
    );
  if (has('payload_too_large'))
    return make(
      'DROPBOX_PAYLOAD_TOO_LARGE',
      'A request body exceeded 150 MiB',
      'Lower chunkSizeMiB; please report it.',
    );
  if (has('too_large'))
    return make(
      'DROPBOX_FILE_TOO_LARGE',
      'The file exceeds Dropbox’s upload size limit',
      'Export a smaller document or split it.',
    );
  if (has('closed'))
    return make(
      'DROPBOX_SESSION_CLOSED',
      'The upload session is already closed',
      'Run again; the file is uploaded anew.',
    );
  if (tags[0] === 'not_found' || (tags[0] === 'lookup_failed' && has('not_found')))
    return make(
      'DROPBOX_SESSION_NOT_FOUND',
      'The upload session is unknown or expired',
      'Run again; the file is uploaded anew.',
    );
  if (has('not_found'))
    return make('DROPBOX_NOT_FOUND', 'Nothing at that path in Dropbox', 'Check the path.');
  if (has('shared_link_already_exists'))
    return make('DROPBOX_SHARED_LINK_EXISTS', 'A shared link already exists', 'bidrop reuses it.');

  return make(
    'DROPBOX_API_ERROR',
    `Dropbox refused the call (${summary || 'no reason given'})`,
    'Please report it with the message.',
  );
}

/**
 * The union tags from outer to inner. A member whose value is a union nests it under its own name;
 * an inlined struct may hold a union in `reason` (UploadWriteFailed, §4). The summary is the
 * fallback when the body has no `error` object.
 */
export function tagChain(detail: unknown, summary?: unknown): string[] {
  const tags: string[] = [];
  let node = detail as Record<string, unknown> | undefined;
  while (node && typeof node === 'object' && typeof node['.tag'] === 'string') {
    const tag = node['.tag'];
    tags.push(tag);
    const inner = node[tag];
    if (inner && typeof inner === 'object' && '.tag' in inner)
      node = inner as Record<string, unknown>;
    else if (node.reason && typeof node.reason === 'object')
      node = node.reason as Record<string, unknown>;
    else break;
  }
  if (tags.length || typeof summary !== 'string') return tags;
  return summary.split('/').filter((part) => part !== '' && !/^\.+$/.test(part));
}

function findNumber(value: unknown, key: string, depth = 0): number | undefined {
  if (!value || typeof value !== 'object' || depth > 5) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record[key] === 'number') return record[key];
  for (const inner of Object.values(record)) {
    const found = findNumber(inner, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A short, secret-free excerpt of a text body (a 400 may echo the Authorization header). */
export function excerpt(text: string): string {
  const cleaned = redact(text).replace(/Bearer\s+[^\s"']+/gi, 'Bearer [redacted]');
  const line = cleaned.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line || '(empty body)';
}
