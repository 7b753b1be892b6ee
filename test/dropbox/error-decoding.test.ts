import { describe, expect, it } from 'vitest';

import { decodeApiError } from '../../src/dropbox/index.js';
import { registerSecret, shouldRetry } from '../../src/core/index.js';

function decode(status: number, body: unknown, headers: Record<string, string> = {}) {
  return decodeApiError(
    {
      method: 'POST',
      route: '/2/files/upload',
      status,
      headers: new Headers(headers),
      text: typeof body === 'string' ? body : JSON.stringify(body),
    },
    'team',
  );
}

describe('Dropbox error decoding', () => {
  it('409 upload conflict with the `reason` wrapper (§4)', () => {
    const e = decode(409, {
      error_summary: 'path/conflict/file/..',
      error: {
        '.tag': 'path',
        reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
        upload_session_id: 'x',
      },
    });
    expect(e.code).toBe('DROPBOX_CONFLICT');
    expect(e.remoteCode).toBe('path/conflict/file');
    expect(e.transient).toBe(false);
    expect(shouldRetry(e)).toBe(false);
  });

  it('409 nested lookup_failed/incorrect_offset carries the correct offset (§5.4)', () => {
    const e = decode(409, {
      error_summary: 'lookup_failed/incorrect_offset/..',
      error: {
        '.tag': 'lookup_failed',
        lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 12556930 },
      },
    });
    expect(e.code).toBe('DROPBOX_INCORRECT_OFFSET');
    expect(e.correctOffset).toBe(12556930);
  });

  it('409 inlined incorrect_offset (§5.3)', () => {
    const e = decode(409, {
      error_summary: 'incorrect_offset/.',
      error: { '.tag': 'incorrect_offset', correct_offset: 8388608 },
    });
    expect(e.correctOffset).toBe(8388608);
  });

  it.each([
    [
      { '.tag': 'path', reason: { '.tag': 'insufficient_space' } },
      'DROPBOX_INSUFFICIENT_SPACE',
      false,
    ],
    [
      { '.tag': 'path', path: { '.tag': 'insufficient_space' } },
      'DROPBOX_INSUFFICIENT_SPACE',
      false,
    ],
    [{ '.tag': 'path', reason: { '.tag': 'malformed_path' } }, 'DROPBOX_MALFORMED_PATH', false],
    [{ '.tag': 'path', reason: { '.tag': 'disallowed_name' } }, 'DROPBOX_MALFORMED_PATH', false],
    [
      { '.tag': 'path', reason: { '.tag': 'too_many_write_operations' } },
      'DROPBOX_TOO_MANY_WRITE_OPERATIONS',
      true,
    ],
    [{ '.tag': 'path', path: { '.tag': 'not_found' } }, 'DROPBOX_NOT_FOUND', false],
    [{ '.tag': 'not_found' }, 'DROPBOX_SESSION_NOT_FOUND', false],
    [
      { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'closed' } },
      'DROPBOX_SESSION_CLOSED',
      false,
    ],
    [{ '.tag': 'content_hash_mismatch' }, 'DROPBOX_CONTENT_HASH_REJECTED', true],
    [{ '.tag': 'payload_too_large' }, 'DROPBOX_PAYLOAD_TOO_LARGE', false],
    [{ '.tag': 'shared_link_already_exists' }, 'DROPBOX_SHARED_LINK_EXISTS', false],
    [{ '.tag': 'something_new' }, 'DROPBOX_API_ERROR', false],
  ])('409 %j → %s', (error, code, transient) => {
    const e = decode(409, { error_summary: 'ignored/..', error });
    expect(e.code).toBe(code);
    expect(e.transient).toBe(transient);
    expect(e.status).toBe(409);
    expect(e.hint).toBeTruthy();
  });

  it('409 without an error object falls back to the summary, dots stripped', () => {
    const e = decode(409, { error_summary: 'path/insufficient_space/...' });
    expect(e.code).toBe('DROPBOX_INSUFFICIENT_SPACE');
    expect(e.remoteCode).toBe('path/insufficient_space');
  });

  it('401 shapes: expired, invalid (hint names the command), missing scope', () => {
    expect(
      decode(401, {
        error_summary: 'expired_access_token/..',
        error: { '.tag': 'expired_access_token' },
      }).code,
    ).toBe('DROPBOX_EXPIRED_TOKEN');
    const invalid = decode(401, {
      error_summary: 'invalid_access_token/...',
      error: { '.tag': 'invalid_access_token' },
    });
    expect(invalid.code).toBe('DROPBOX_INVALID_TOKEN');
    expect(invalid.hint).toContain('bidrop auth dropbox --destination team');
    const scope = decode(401, {
      error_summary: 'missing_scope/..',
      error: { '.tag': 'missing_scope', required_scope: 'files.content.write' },
    });
    expect(scope.code).toBe('DROPBOX_MISSING_SCOPE');
    expect(scope.message).toContain('files.content.write');
  });

  it('429 JSON: Retry-After header wins, then retry_after, then 1 s; transient', () => {
    const json = {
      error_summary: 'too_many_write_operations/',
      error: { reason: { '.tag': 'too_many_write_operations' }, retry_after: 3 },
    };
    const withHeader = decode(429, json, { 'retry-after': '7' });
    expect(withHeader.code).toBe('DROPBOX_RATE_LIMITED');
    expect(withHeader.retryAfterMs).toBe(7000);
    expect(withHeader.transient).toBe(true);
    expect(decode(429, json).retryAfterMs).toBe(3000);
    const text = decode(429, 'too_many_requests');
    expect(text.retryAfterMs).toBe(1000);
    expect(text.remoteCode).toBe('too_many_requests');
  });

  it('5xx text is transient; 400 text is kept, without any token it echoes', () => {
    const e = decode(503, '<html>Service Unavailable</html>');
    expect(e.code).toBe('DROPBOX_SERVER_ERROR');
    expect(shouldRetry(e)).toBe(true);

    registerSecret('sl.secret-token-that-leaks');
    const bad = decode(
      400,
      'Error in call to API function "files/upload": Invalid authorization value in HTTP header "Authorization": "Bearer sl.secret-token-that-leaks". Expecting "Bearer <oauth2-access-token>".',
    );
    expect(bad.code).toBe('DROPBOX_BAD_REQUEST');
    expect(bad.message).toContain('Invalid authorization value');
    expect(bad.message).not.toContain('sl.secret-token-that-leaks');
    expect(bad.transient).toBe(false);
  });

  it('403 is FORBIDDEN, other statuses HTTP_ERROR', () => {
    expect(
      decode(403, { error_summary: 'no_permission/', error: { '.tag': 'no_permission' } }).code,
    ).toBe('DROPBOX_FORBIDDEN');
    expect(decode(418, 'teapot').code).toBe('DROPBOX_HTTP_ERROR');
  });
});
