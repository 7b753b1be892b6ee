import { describe, expect, it } from 'vitest';

import {
  REDACTED,
  redact,
  redactHeaders,
  redactObject,
  registerSecret,
} from '../src/core/index.js';

describe('redaction', () => {
  it('removes registered secret values from any text', () => {
    registerSecret('s3cret-Passw0rd');
    expect(redact('logon failed for s3cret-Passw0rd!')).toBe(`logon failed for ${REDACTED}!`);
  });

  it('masks secret fields written as name=value or JSON', () => {
    expect(redact('grant_type=x&refresh_token=abc.def&client_id=k')).toBe(
      `grant_type=x&refresh_token=${REDACTED}&client_id=k`,
    );
    expect(redact('{"password":"hunter22"}')).toBe(`{"password":"${REDACTED}"}`);
  });

  it('masks secret headers and fields by name', () => {
    expect(
      redactHeaders({ Authorization: 'Bearer x', 'X-SAP-LogonToken': '"t"', Accept: 'a' }),
    ).toEqual({
      Authorization: REDACTED,
      'X-SAP-LogonToken': REDACTED,
      Accept: 'a',
    });
    expect(redactObject({ bi: { username: 'u', password: 'p' } })).toEqual({
      bi: { username: 'u', password: REDACTED },
    });
  });
});
