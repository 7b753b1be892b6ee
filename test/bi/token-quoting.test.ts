import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, quoteToken, unquoteToken, type BiSource } from '../../src/bi/index.js';
import { connectionTo, quickRetry, sendJson, startFakeBi, type FakeBi } from './fake-bi.js';

let fake: FakeBi;
let source: BiSource;

afterEach(async () => {
  await source?.close();
  await fake?.close();
});

describe('logon token quoting', () => {
  it('quotes exactly once whatever form the token came in', () => {
    expect(quoteToken('host:6400@{3&2=1}')).toBe('"host:6400@{3&2=1}"');
    expect(quoteToken('"host:6400@{3&2=1}"')).toBe('"host:6400@{3&2=1}"');
    expect(unquoteToken('"abc"')).toBe('abc');
    expect(unquoteToken('abc')).toBe('abc');
  });

  for (const tokenInBodyOnly of [false, true]) {
    it(`sends the token quoted once (token ${tokenInBodyOnly ? 'in the body only' : 'in the header'})`, async () => {
      fake = await startFakeBi({ tokenInBodyOnly });
      fake.route('GET', '/infostore/7', (_q, res) =>
        sendJson(res, 200, { id: 7, cuid: 'C7', name: 'Seven', type: 'Webi' }),
      );
      source = createBiSource(connectionTo(fake), { retry: quickRetry });

      await source.resolveDocument({ kind: 'id', id: 7 });
      const call = fake.requests.find((r) => r.path === '/infostore/7')!;
      const header = call.headers['x-sap-logontoken'] as string;
      expect(header).toMatch(/^"fake:6400@\{[^"]+\}"$/);
      await source.close();
      const logoff = fake.requests.find((r) => r.path === '/logoff')!;
      expect(logoff.headers['x-sap-logontoken']).toBe(header);
      expect(fake.sessions.size).toBe(0);
    });
  }

  it('never puts the token or the password in a URL', async () => {
    fake = await startFakeBi();
    source = createBiSource(connectionTo(fake), { retry: quickRetry });
    await source.resolveDocument({ kind: 'id', id: 1 }).catch(() => {});
    await source.close();
    for (const request of fake.requests) {
      expect(request.query.toString()).not.toMatch(/fake:6400|Secret-Pass/);
    }
  });
});
