/**
 * One Web Intelligence document for the fake BI platform: folder /Sales (id 30) under Root Folder
 * (23), document 101 "Revenue" with reports Summary (1) and Detail (2), a prompt Country and a
 * prompt City whose list depends on Country. Exports return text that names the answers.
 */
import type { ServerResponse } from 'node:http';

import { sendJson, type FakeBi, type FakeRequest } from './fake-bi.js';

export interface FakeDocumentState {
  /** `${token} ${docId}` of documents opened and not closed. */
  open: Set<string>;
  answers: Record<string, string[]>;
  refreshed: boolean;
  /** PUT /parameters bodies received. */
  puts: unknown[];
}

const cities: Record<string, string[]> = { France: ['Paris', 'Lyon'], Spain: ['Madrid'] };

export function installFakeDocument(
  fake: FakeBi,
  options: { exportChunks?: number; chunkDelayMs?: number } = {},
): FakeDocumentState {
  const state: FakeDocumentState = { open: new Set(), answers: {}, refreshed: false, puts: [] };
  const base = `http://127.0.0.1/biprws`;

  fake.route('GET', '/infostore/Root%20Folder', (_q, res) =>
    sendJson(res, 200, {
      id: 23,
      cuid: 'ASHnC0S_Pw5LhKFbZ.iA_j4',
      name: 'Root Folder',
      type: 'Folder',
    }),
  );
  fake.route('GET', '/infostore/23', (_q, res) =>
    sendJson(res, 200, { id: 23, name: 'Root Folder', type: 'Folder' }),
  );
  fake.route('GET', /^\/infostore\/(Root%20Folder|23)\/children$/, (_q, res) =>
    sendJson(res, 200, { entries: [{ id: 30, cuid: 'FSales', name: 'Sales', type: 'Folder' }] }),
  );
  fake.route('GET', '/infostore/30', (_q, res) =>
    sendJson(res, 200, {
      id: 30,
      name: 'Sales',
      type: 'Folder',
      up: { __deferred: { uri: `${base}/infostore/23` } },
    }),
  );
  fake.route('GET', '/infostore/30/children', (_q, res) =>
    sendJson(res, 200, { entries: [docEntry()] }),
  );
  fake.route('GET', /^\/infostore\/(101|cuid_DocRevenue1)$/, (_q, res) =>
    sendJson(res, 200, docEntry()),
  );

  const key = (q: FakeRequest) => `${q.token} 101`;
  fake.route('GET', '/raylight/v1/documents/101', (q, res) => {
    if (q.headers.accept === 'application/json') {
      state.open.add(key(q));
      return sendJson(res, 200, {
        document: {
          id: '101',
          cuid: 'DocRevenue1',
          name: 'Revenue',
          folderId: 30,
          state: 'Original',
        },
      });
    }
    return exportBody(q, res, 'document');
  });
  fake.route('PUT', '/raylight/v1/documents/101', (q, res) => {
    const body = JSON.parse(q.body || '{}') as { document?: { state?: string } };
    if (body.document?.state === 'Unused') state.open.delete(key(q));
    sendJson(res, 200, { success: { message: 'updated', id: '101' } });
  });
  fake.route('GET', '/raylight/v1/documents/101/reports', (_q, res) =>
    sendJson(res, 200, {
      reports: {
        report: [
          { id: 1, name: 'Summary' },
          { id: 2, name: 'Detail' },
        ],
      },
    }),
  );
  fake.route('GET', /^\/raylight\/v1\/documents\/101\/reports\/\d+$/, (q, res) =>
    exportBody(q, res, `report ${q.path.split('/').pop()}`),
  );
  fake.route('GET', '/raylight/v1/documents/101/dataproviders', (_q, res) =>
    sendJson(res, 200, {
      dataproviders: { dataprovider: { id: 'DP0', name: 'Query 1', rowCount: 42 } },
    }),
  );
  fake.route('GET', '/raylight/v1/documents/101/parameters', (_q, res) =>
    sendJson(res, 200, parameters(state)),
  );
  fake.route('PUT', '/raylight/v1/documents/101/parameters', (q, res) => {
    const body = JSON.parse(q.body || '{}') as {
      parameters?: {
        parameter?: Array<{ id: number | string; answer?: { values?: { value?: unknown } } }>;
      };
    };
    state.puts.push(body);
    const hadCountry = state.answers.Country !== undefined;
    for (const p of body.parameters?.parameter ?? []) {
      const values = p.answer?.values?.value;
      const list = (Array.isArray(values) ? values : values === undefined ? [] : [values]).map(
        String,
      );
      const name = String(p.id) === '0' ? 'Country' : 'City';
      // The iterative protocol: City's list only unlocks once Country was answered before.
      if (name === 'City' && !hadCountry) continue;
      if (list.length) state.answers[name] = list;
    }
    const pending = ['Country', 'City'].filter((n) => !state.answers[n]);
    if (pending.length > 0) return sendJson(res, 200, parameters(state));
    if (!cities[state.answers.Country![0]!]?.includes(state.answers.City![0]!)) {
      return sendJson(res, 400, {
        error: { error_code: 'WSR 00100', message: 'A rule is not respected. (WSR 00100)' },
      });
    }
    state.refreshed = true;
    sendJson(res, 200, { success: { message: 'refreshed', id: '101' } });
  });

  async function exportBody(q: FakeRequest, res: ServerResponse, scope: string): Promise<void> {
    res.writeHead(200, { 'content-type': q.headers.accept ?? 'application/octet-stream' });
    const chunks = options.exportChunks ?? 1;
    for (let i = 0; i < chunks; i++) {
      if (res.destroyed) return;
      res.write(`${scope} ${JSON.stringify(state.answers)} chunk ${i}\n`);
      if (options.chunkDelayMs) await new Promise((r) => setTimeout(r, options.chunkDelayMs));
    }
    res.end();
  }

  function docEntry() {
    return {
      id: 101,
      cuid: 'DocRevenue1',
      name: 'Revenue',
      type: 'Webi',
      updated: '2026-12-01T06:00:00.000Z',
      up: { __deferred: { uri: `${base}/infostore/30` } },
    };
  }

  return state;
}

function parameters(state: FakeDocumentState) {
  const country = state.answers.Country;
  return {
    parameters: {
      parameter: [
        {
          '@optional': 'false',
          '@type': 'prompt',
          id: 0,
          name: 'Country',
          answer: {
            '@type': 'Text',
            info: { '@cardinality': 'Single', lov: { values: { value: Object.keys(cities) } } },
          },
        },
        {
          '@optional': 'false',
          '@type': 'prompt',
          id: 1,
          name: 'City',
          answer: {
            '@type': 'Text',
            info: {
              '@cardinality': 'Multiple',
              lov: {
                values: { value: country ? (cities[country[0]!] ?? []) : [] },
                parameters: { id: 0 },
              },
            },
          },
        },
      ],
    },
  };
}
