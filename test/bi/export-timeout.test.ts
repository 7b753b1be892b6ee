import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource } from '../../src/bi/index.js';
import { connectionTo, quickRetry, sendJson, startFakeBi, type FakeBi } from './fake-bi.js';
import { installFakeDocument } from './fake-document.js';

let fake: FakeBi;

afterEach(async () => {
  await fake.close();
});

describe('export timeout', () => {
  it('stops a refresh that takes too long with BI_EXPORT_TIMEOUT and frees everything', async () => {
    fake = await startFakeBi();
    const doc = installFakeDocument(fake);
    // Document 7: a refresh that never answers.
    fake.route('PUT', '/raylight/v1/documents/7/parameters', () => {});
    fake.route('GET', '/infostore/7', (_q, res) => sendJson(res, 200, { id: 7, type: 'Webi' }));
    fake.route('GET', '/raylight/v1/documents/7', (q, res) => {
      doc.open.add(`${q.token} 7`);
      sendJson(res, 200, { document: { id: 7, name: 'Slow' } });
    });
    fake.route('GET', '/raylight/v1/documents/7/parameters', (_q, res) =>
      sendJson(res, 200, { parameters: '' }),
    );
    fake.route('PUT', '/raylight/v1/documents/7', (q, res) => {
      doc.open.delete(`${q.token} 7`);
      sendJson(res, 200, { success: { id: '7' } });
    });
    const source = createBiSource(connectionTo(fake), { retry: quickRetry, exportTimeoutMs: 300 });

    const started = Date.now();
    await expect(
      source.export({ document: { kind: 'id', id: 7 }, format: 'pdf' }),
    ).rejects.toMatchObject({ code: 'BI_EXPORT_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(doc.open.size).toBe(0);
    await source.close();
    expect(fake.sessions.size).toBe(0);
  });
});
