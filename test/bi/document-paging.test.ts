import { afterEach, describe, expect, it } from 'vitest';

import { createBiSource, type BiSource } from '../../src/bi/index.js';
import { connectionTo, quickRetry, sendJson, startFakeBi, type FakeBi } from './fake-bi.js';

let fake: FakeBi;
let source: BiSource;

afterEach(async () => {
  await source.close();
  await fake.close();
});

const webi = (id: number) => ({ id, cuid: `C${id}`, name: `Doc ${id}`, type: 'Webi' });

describe('paging', () => {
  it('pages /documents by 50 and stops at WSR 00400 (when the CMS query is refused)', async () => {
    fake = await startFakeBi();
    fake.route('POST', '/v1/cmsquery', (_q, res) =>
      sendJson(res, 403, { error_code: 'FWB 00040', message: 'Not allowed' }),
    );
    fake.route('GET', '/raylight/v1/documents', (q, res) => {
      const offset = Number(q.query.get('offset'));
      const limit = Number(q.query.get('limit'));
      if (offset >= 100) {
        return sendJson(res, 404, { error: { error_code: 'WSR 00400', message: 'out of bounds' } });
      }
      const document = Array.from({ length: limit }, (_, i) => ({
        id: String(offset + i + 1),
        cuid: `C${offset + i + 1}`,
        name: `Doc ${offset + i + 1}`,
        folderId: 30,
      }));
      sendJson(res, 200, { documents: { document } });
    });
    fake.route('GET', '/infostore/30', (_q, res) =>
      sendJson(res, 200, { id: 30, name: 'Sales', type: 'Folder' }),
    );
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    const documents = await source.findDocuments({ folder: '/', recursive: true });
    expect(documents).toHaveLength(100);
    expect(documents[99]).toEqual({ id: 100, cuid: 'C100', name: 'Doc 100', folder: '/Sales' });
    const pages = fake.requests.filter((r) => r.path === '/raylight/v1/documents');
    expect(pages.map((r) => r.query.get('offset'))).toEqual(['0', '50', '100']);
    expect(pages.every((r) => r.query.get('limit') === '50')).toBe(true);
  });

  it('follows the CMS query next links until the last page', async () => {
    fake = await startFakeBi();
    const link = (page: number) => ({
      __deferred: { uri: `http://elsewhere/biprws/v1/cmsquery?page=${page}&pagesize=2` },
    });
    fake.route('POST', '/v1/cmsquery', (q, res) => {
      expect(JSON.parse(q.body)).toEqual({ query: 'SELECT * FROM CI_INFOOBJECTS' });
      const page = Number(q.query.get('page'));
      const rows = [page * 2 - 1, page * 2].map((id) => ({
        SI_ID: id,
        SI_CUID: `C${id}`,
        SI_NAME: `Doc ${id}`,
        SI_KIND: id === 3 ? 'Pdf' : 'Webi',
      }));
      sendJson(res, 200, {
        entries: rows,
        __metadata: link(page).__deferred,
        next: link(page + 1),
        last: link(3),
      });
    });
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    const documents = await source.findDocuments({ query: 'SELECT * FROM CI_INFOOBJECTS' });
    expect(documents.map((d) => d.id)).toEqual([1, 2, 4, 5, 6]);
  });

  it('walks folder children page by page, recursively', async () => {
    fake = await startFakeBi();
    fake.route('GET', '/infostore/Root%20Folder', (_q, res) => sendJson(res, 200, { id: 23 }));
    fake.route('GET', '/infostore/Root%20Folder/children', (_q, res) =>
      sendJson(res, 200, { entries: [{ id: 30, name: 'Sales', type: 'Folder' }] }),
    );
    fake.route('GET', '/infostore/30/children', (q, res) => {
      const page = Number(q.query.get('page'));
      const size = Number(q.query.get('pageSize'));
      const all = [
        ...Array.from({ length: 60 }, (_, i) => webi(1000 + i)),
        { id: 31, name: 'Daily', type: 'Folder' },
      ];
      sendJson(res, 200, { entries: all.slice((page - 1) * size, page * size) });
    });
    fake.route('GET', '/infostore/31/children', (_q, res) =>
      sendJson(res, 200, { entries: webi(2000) }),
    );
    source = createBiSource(connectionTo(fake), { retry: quickRetry });

    const flat = await source.findDocuments({ folder: '/Sales' });
    expect(flat).toHaveLength(60);
    const deep = await source.findDocuments({ folder: '/Sales', recursive: true });
    expect(deep).toHaveLength(61);
    expect(deep.at(-1)).toEqual({
      id: 2000,
      cuid: 'C2000',
      name: 'Doc 2000',
      folder: '/Sales/Daily',
    });
  });
});
