import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiSource, type BiSourceOptions } from '../../src/bi/index.js';
import type { ExportRequest } from '../../src/core/index.js';
import { connectionTo, quickRetry, sendJson, startFakeBi, type FakeBi } from './fake-bi.js';
import { installFakeDocument } from './fake-document.js';

let fake: FakeBi;
let source: BiSource;

afterEach(async () => {
  await source.close();
  expect(fake.sessions.size).toBe(0);
  await fake.close();
});

/** Document 202 "Plain" in /Sales: no prompts, one report, one data provider without a count. */
async function setUp(options: BiSourceOptions = {}) {
  fake = await startFakeBi();
  const plain = { gone: false, puts: [] as string[] };
  const entry = {
    id: 202,
    cuid: 'DocPlain2',
    name: 'Plain',
    type: 'Webi',
    up: { __deferred: { uri: `${fake.url}/infostore/30` } },
  };
  // Routes match in order: these come before the prompted document's folder listing.
  fake.route('GET', /^\/infostore\/(202|cuid_DocPlain2)$/, (_q, res) => sendJson(res, 200, entry));
  fake.route('GET', '/infostore/30/children', (_q, res) =>
    sendJson(res, 200, { entries: [entry] }),
  );
  fake.route('GET', '/raylight/v1/documents/202', (q, res) => {
    if (plain.gone) {
      return sendJson(res, 404, {
        error: { error_code: 'WSR 00400', message: 'Not found. (WSR 00400)' },
      });
    }
    if (q.headers.accept === 'application/json') {
      return sendJson(res, 200, { document: { id: 202, cuid: 'DocPlain2', name: 'Plain' } });
    }
    res.writeHead(200, { 'content-type': q.headers.accept ?? '' }).end('plain bytes');
  });
  fake.route('PUT', '/raylight/v1/documents/202', (_q, res) =>
    sendJson(res, 200, { success: { message: 'updated', id: '202' } }),
  );
  fake.route('GET', '/raylight/v1/documents/202/parameters', (_q, res) =>
    sendJson(res, 200, { parameters: {} }),
  );
  fake.route('PUT', '/raylight/v1/documents/202/parameters', (q, res) => {
    plain.puts.push(q.body);
    sendJson(res, 200, { success: { message: 'refreshed', id: '202' } });
  });
  fake.route('GET', '/raylight/v1/documents/202/reports', (_q, res) =>
    sendJson(res, 200, { reports: { report: { id: 1, name: 'Only' } } }),
  );
  fake.route('GET', /^\/raylight\/v1\/documents\/202\/reports\/1$/, (q, res) => {
    res.writeHead(200, { 'content-type': q.headers.accept ?? '' }).end('a;b\n');
  });
  fake.route('GET', '/raylight/v1/documents/202/dataproviders', (_q, res) =>
    sendJson(res, 200, { dataproviders: { dataprovider: { id: 'DP0' } } }),
  );
  fake.route('GET', '/raylight/v1/documents/202/dataproviders/DP0', (_q, res) =>
    sendJson(res, 200, { dataprovider: { id: 'DP0', rowCount: 7 } }),
  );
  const prompted = installFakeDocument(fake);
  source = createBiSource(connectionTo(fake), { retry: quickRetry, ...options });
  return { prompted, plain };
}

/** The BI calls made since `from`, logon and logoff left out (a session serves many exports). */
function callsSince(from: number): string[] {
  return fake.requests
    .slice(from)
    .filter((r) => r.path !== '/logon/long' && r.path !== '/logoff')
    .map((r) => `${r.method} ${r.path}`);
}

/** Exports, reads and releases; answers the calls it made. */
async function exportCalls(request: Omit<ExportRequest, 'document'>, id = 202) {
  const from = fake.requests.length;
  const exported = await source.export({ document: { kind: 'id', id }, ...request });
  for await (const _chunk of exported.body);
  await exported.release();
  return { calls: callsSince(from), rows: exported.rows };
}

const plainPath = '/raylight/v1/documents/202';

describe('BI calls per export', () => {
  it('a planned prompt-less document: 5 calls the first time, 4 for another format', async () => {
    const { plain } = await setUp();
    await source.findDocuments({ folder: '/Sales' });

    expect((await exportCalls({ format: 'pdf', countRows: false })).calls).toEqual([
      `GET ${plainPath}`,
      `GET ${plainPath}/parameters`,
      `PUT ${plainPath}/parameters`,
      `GET ${plainPath}`,
      `PUT ${plainPath}`,
    ]);
    expect((await exportCalls({ format: 'xlsx', countRows: false })).calls).toEqual([
      `GET ${plainPath}`,
      `PUT ${plainPath}/parameters`,
      `GET ${plainPath}`,
      `PUT ${plainPath}`,
    ]);
    // Without prompts the refresh is a PUT without a body (bi4-rest.md §4.2), both times.
    expect(plain.puts).toEqual(['', '']);
  });

  it('counts rows by default, and only then (two data-provider calls)', async () => {
    await setUp();
    await source.resolveDocument({ kind: 'id', id: 202 });

    const counted = await exportCalls({ format: 'pdf' });
    expect(counted.rows).toBe(7);
    expect(counted.calls).toContain(`GET ${plainPath}/dataproviders`);
    expect(counted.calls).toContain(`GET ${plainPath}/dataproviders/DP0`);

    const uncounted = await exportCalls({ format: 'pdf', countRows: false });
    expect(uncounted.rows).toBeUndefined();
    expect(uncounted.calls.filter((c) => c.includes('dataproviders'))).toEqual([]);
  });

  it('resolves a document once per source, whether by id, CUID or planning', async () => {
    await setUp();
    expect(await source.resolveDocument({ kind: 'cuid', cuid: 'DocPlain2' })).toMatchObject({
      id: 202,
      folder: '/Sales',
    });
    await exportCalls({ format: 'pdf', countRows: false });
    await exportCalls({ format: 'pdf', countRows: false });
    await source.resolveDocument({ kind: 'id', id: 202 });

    const infostore = fake.requests.filter((r) => r.path.startsWith('/infostore'));
    // One lookup of the CUID and one walk up its folders; the exports by id ask nothing.
    expect(infostore.map((r) => r.path)).toEqual([
      '/infostore/cuid_DocPlain2',
      '/infostore/30',
      '/infostore/23',
    ]);
  });

  it('reads a prompted document’s parameters once across a burst, answering each value', async () => {
    const { prompted } = await setUp();
    const first = await exportCalls(
      { format: 'pdf', countRows: false, prompts: { Country: ['France'], City: ['Paris'] } },
      101,
    );
    const second = await exportCalls(
      { format: 'pdf', countRows: false, prompts: { Country: ['Spain'], City: ['Madrid'] } },
      101,
    );

    expect(
      first.calls.filter((c) => c === 'GET /raylight/v1/documents/101/parameters'),
    ).toHaveLength(1);
    expect(second.calls).toEqual([
      'GET /raylight/v1/documents/101',
      'PUT /raylight/v1/documents/101/parameters',
      'GET /raylight/v1/documents/101',
      'PUT /raylight/v1/documents/101',
    ]);
    expect(prompted.answers).toEqual({ Country: ['Spain'], City: ['Madrid'] });
    expect(prompted.open.size).toBe(0);
  });

  it('lists report tabs once for repeated CSV exports', async () => {
    await setUp();
    await exportCalls({ format: 'csv', countRows: false });
    const again = await exportCalls({ format: 'csv', countRows: false });
    expect(again.calls).toEqual([
      `GET ${plainPath}`,
      `PUT ${plainPath}/parameters`,
      `GET ${plainPath}/reports/1`,
      `PUT ${plainPath}`,
    ]);
  });

  it('forgets a document whose export failed, so the retry asks again', async () => {
    const { plain } = await setUp();
    await exportCalls({ format: 'pdf', countRows: false });
    plain.gone = true;
    await expect(
      source.export({ document: { kind: 'id', id: 202 }, format: 'pdf', countRows: false }),
    ).rejects.toMatchObject({ code: 'BI_DOCUMENT_NOT_FOUND' });
    plain.gone = false;

    const retried = await exportCalls({ format: 'pdf', countRows: false });
    expect(retried.calls.slice(0, 3)).toEqual([
      'GET /infostore/202',
      `GET ${plainPath}`,
      `GET ${plainPath}/parameters`,
    ]);
  });

  it('asks again for every export with documentMemoMs: 0', async () => {
    await setUp({ documentMemoMs: 0 });
    await exportCalls({ format: 'pdf', countRows: false });
    const again = await exportCalls({ format: 'pdf', countRows: false });
    expect(again.calls).toEqual([
      'GET /infostore/202',
      `GET ${plainPath}`,
      `GET ${plainPath}/parameters`,
      `PUT ${plainPath}/parameters`,
      `GET ${plainPath}`,
      `PUT ${plainPath}`,
    ]);
  });
});
