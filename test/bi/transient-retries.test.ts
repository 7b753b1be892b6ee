import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiEvent } from '../../src/bi/index.js';
import { connectionTo, quickRetry, sendJson, startFakeBi, type FakeBi } from './fake-bi.js';

let fake: FakeBi;

afterEach(async () => {
  await fake.close();
});

describe('transient failures', () => {
  it('retries 5xx and 429 (honouring Retry-After), then succeeds', async () => {
    fake = await startFakeBi();
    const answers = [
      (res: Parameters<typeof sendJson>[0]) =>
        sendJson(res, 500, { error: { error_code: 'WSR 00999', message: 'Internal error' } }),
      (res: Parameters<typeof sendJson>[0]) => {
        res.writeHead(429, { 'retry-after': '0' }).end();
      },
      (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, { id: 7, type: 'Webi' }),
    ];
    let call = 0;
    fake.route('GET', '/infostore/7', (_q, res) => answers[call++]!(res));
    const events: BiEvent[] = [];
    const source = createBiSource(connectionTo(fake), {
      retry: quickRetry,
      onEvent: (e) => events.push(e),
    });

    expect(await source.resolveDocument({ kind: 'id', id: 7 })).toMatchObject({ id: 7 });
    await source.close();
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.map((e) => (e.type === 'retry' ? [e.code, e.delayMs] : []))).toEqual([
      ['BI_SERVER_ERROR', 1],
      ['BI_THROTTLED', 0],
    ]);
  });

  it('gives up after the retries with the server code kept', async () => {
    fake = await startFakeBi();
    fake.route('GET', '/infostore/7', (_q, res) =>
      sendJson(res, 500, { error: { error_code: 'WSR 00999', message: 'Corrupt document' } }),
    );
    const source = createBiSource(connectionTo(fake), { retry: quickRetry });
    await expect(source.resolveDocument({ kind: 'id', id: 7 })).rejects.toMatchObject({
      code: 'BI_SERVER_ERROR',
      remoteCode: 'WSR 00999',
      endpoint: '/infostore/7',
    });
    await source.close();
    expect(fake.requests.filter((r) => r.path === '/infostore/7')).toHaveLength(3);
    expect(fake.sessions.size).toBe(0);
  });

  it('closes with the XML body when the server refuses the JSON close', async () => {
    fake = await startFakeBi();
    fake.route('GET', '/infostore/7', (_q, res) => sendJson(res, 200, { id: 7, type: 'Webi' }));
    fake.route('GET', '/raylight/v1/documents/7', (_q, res) =>
      sendJson(res, 200, { document: { id: 7, name: 'Seven' } }),
    );
    fake.route('GET', '/raylight/v1/documents/7/reports', (_q, res) =>
      sendJson(res, 200, { reports: { report: { id: 1, name: 'Only' } } }),
    );
    fake.route('PUT', '/raylight/v1/documents/7', (q, res) =>
      q.headers['content-type'] === 'application/xml'
        ? sendJson(res, 200, { success: { id: '7' } })
        : sendJson(res, 400, { error: { error_code: 'WSR 00102', message: 'Malformed' } }),
    );
    const source = createBiSource(connectionTo(fake), { retry: quickRetry });
    expect(await source.listReports({ kind: 'id', id: 7 })).toEqual(['Only']);
    await source.close();
    const closes = fake.requests.filter((r) => r.method === 'PUT');
    expect(closes.map((r) => r.body)).toEqual([
      '{"document":{"state":"Unused"}}',
      '<document><state>Unused</state></document>',
    ]);
  });
});
