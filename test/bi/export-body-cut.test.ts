import { text } from 'node:stream/consumers';

import { afterEach, expect, it } from 'vitest';

import { createBiSource, type BiSource } from '../../src/bi/index.js';
import { shouldRetry } from '../../src/core/index.js';
import { connectionTo, quickRetry, startFakeBi, type FakeBi } from './fake-bi.js';
import { installFakeDocument } from './fake-document.js';

let fake: FakeBi;
let source: BiSource | undefined;

afterEach(async () => {
  await source?.close();
  source = undefined;
  await fake?.close();
});

it('an export cut mid-body fails as a transient BI_CONNECTION_LOST, and release still logs off', async () => {
  fake = await startFakeBi();
  // Registered first, so it answers the report export before the fake document's own route.
  fake.route('GET', /^\/raylight\/v1\/documents\/101\/reports\/\d+$/, (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': '100000' });
    res.write('%PDF-1.4 half a file');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  installFakeDocument(fake);
  source = createBiSource(connectionTo(fake), { retry: quickRetry });

  const exported = await source.export({
    document: { kind: 'id', id: 101 },
    format: 'pdf',
    report: 'Detail',
    prompts: { Country: ['France'], City: ['Paris'] },
  });
  const error = await text(exported.body).then(
    () => undefined,
    (e: unknown) => e,
  );

  expect(error).toMatchObject({
    code: 'BI_CONNECTION_LOST',
    endpoint: expect.stringMatching(/reports/),
  });
  expect(shouldRetry(error)).toBe(true);
  await exported.release();
  await source.close();
  expect(fake.sessions.size).toBe(0);
});
