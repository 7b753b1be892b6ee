import { describe, expect, it } from 'vitest';

import { describeError, registerSecret } from '../../src/core/index.js';
import { decodeBiError, readErrorEnvelope } from '../../src/bi/decode-error.js';

const exchange = (status: number, body: string, extra: object = {}) => ({
  method: 'GET',
  path: '/raylight/v1/documents/5',
  status,
  contentType: 'application/json',
  retryAfter: undefined,
  body,
  ...extra,
});

describe('BI error decoding', () => {
  it('reads the Raylight JSON envelope', () => {
    const error = decodeBiError(
      exchange(404, '{"error":{"error_code":"WSR 00400","message":"Not found. (WSR 00400)"}}'),
    );
    expect(error).toMatchObject({
      code: 'BI_NOT_FOUND',
      remoteCode: 'WSR 00400',
      status: 404,
      method: 'GET',
      endpoint: '/raylight/v1/documents/5',
      transient: false,
    });
    expect(error.message).toContain('Not found. (WSR 00400)');
  });

  it('reads the platform JSON envelope of a refused logon', () => {
    const error = decodeBiError({
      ...exchange(401, '{"error_code":"FWB 00008","message":"Account information not recognized"}'),
      method: 'POST',
      path: '/logon/long',
      logon: true,
    });
    expect(error).toMatchObject({ code: 'BI_LOGON_FAILED', remoteCode: 'FWB 00008' });
    expect(error.hint).toMatch(/password/);
  });

  it('reads the XML envelope without expanding entities', () => {
    const body =
      '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x "boom">]><error><error_code>WSR 00999</error_code><message>Internal &x; error</message></error>';
    const error = decodeBiError(exchange(500, body, { contentType: 'application/xml' }));
    expect(error).toMatchObject({
      code: 'BI_SERVER_ERROR',
      remoteCode: 'WSR 00999',
      transient: true,
    });
    expect(error.message).not.toContain('boom');
  });

  it('treats 401 after logon as an expired session', () => {
    const error = decodeBiError(
      exchange(401, '{"error":{"error_code":"WSR 00002","message":"x"}}'),
    );
    expect(error.code).toBe('BI_SESSION_EXPIRED');
  });

  it('marks 429 with Retry-After transient and keeps the delay', () => {
    const error = decodeBiError(exchange(429, '', { retryAfter: '3' }));
    expect(error).toMatchObject({ code: 'BI_THROTTLED', transient: true, retryAfterMs: 3000 });
  });

  it('recognises a licence refusal at logon by its wording', () => {
    const error = decodeBiError({
      ...exchange(
        401,
        '{"error_code":"FWB 99999","message":"All concurrent session licences are in use"}',
      ),
      logon: true,
    });
    expect(error.code).toBe('BI_LICENCE_EXHAUSTED');
  });

  it('keeps a bare 5xx without a body readable', () => {
    const error = decodeBiError(exchange(502, '<html>Bad gateway</html>'));
    expect(error).toMatchObject({ code: 'BI_SERVER_ERROR', status: 502, transient: true });
    expect(error.remoteCode).toBeUndefined();
  });

  it('other 4xx are not retried', () => {
    expect(decodeBiError(exchange(400, '{}'))).toMatchObject({
      code: 'BI_BAD_REQUEST',
      transient: false,
    });
    expect(decodeBiError(exchange(403, '{}'))).toMatchObject({
      code: 'BI_FORBIDDEN',
      transient: false,
    });
  });

  it('scrubs registered secrets from the server message', () => {
    registerSecret('tok-123456-secret');
    const error = decodeBiError(
      exchange(400, '{"error":{"error_code":"WSR 00101","message":"bad token tok-123456-secret"}}'),
    );
    expect(describeError(error)).not.toContain('tok-123456-secret');
    expect(readErrorEnvelope('not json')).toEqual({});
  });
});
