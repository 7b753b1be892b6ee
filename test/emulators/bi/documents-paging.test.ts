import { describe, expect, it } from 'vitest';

import { sampleDocuments } from '../../../src/emulators/bi/index.js';
import { call, callJson, emulator, list, logon } from './helpers.js';

describe('document list and lookup', () => {
  it('pages by offset and limit, sorted by name, with 10 by default', async () => {
    const emu = await emulator({ generatedDocuments: 12 });
    const token = await logon(emu);
    const first = await callJson(emu, token, '/raylight/v1/documents');
    expect(first.status).toBe(200);
    const names = list(first.body.documents.document).map((d: { name: string }) => d.name);
    expect(names).toHaveLength(10);
    expect([...names].sort((a, b) => a.localeCompare(b))).toEqual(names);

    const all: number[] = [];
    for (let offset = 0; ; offset += 5) {
      const page = await callJson(emu, token, `/raylight/v1/documents?offset=${offset}&limit=5`);
      if (page.status !== 200) break;
      all.push(...list(page.body.documents.document).map((d: { id: number }) => d.id));
    }
    // Five Webi samples plus twelve generated; the Crystal report is not listed.
    expect(all).toHaveLength(sampleDocuments.length + 12);
    expect(all).not.toContain(6090);
  });

  it('answers an offset past the end with 404 WSR 00400, not an empty list', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const { status, body } = await callJson(emu, token, '/raylight/v1/documents?offset=5&limit=5');
    expect(status).toBe(404);
    expect(body.error.error_code).toBe('WSR 00400');
  });

  it('refuses a limit above 50 with WSR 00101', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const { status, body } = await callJson(emu, token, '/raylight/v1/documents?limit=51');
    expect(status).toBe(400);
    expect(body.error.error_code).toBe('WSR 00101');
  });

  it('gives a single document as a bare object in JSON and ids as numbers', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const { body } = await callJson(emu, token, '/raylight/v1/documents?limit=1');
    expect(Array.isArray(body.documents.document)).toBe(false);
    expect(body.documents.document).toMatchObject({
      id: 6001,
      name: 'Daily Sales',
      state: 'Unused',
    });
  });

  it('lists as XML', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const res = await call(emu, token, '/raylight/v1/documents?limit=2', {
      accept: 'application/xml',
    });
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml[^>]*>\n<documents><document><id>6001<\/id><cuid>/);
    expect(xml.match(/<document>/g)).toHaveLength(2);
  });

  it('finds a document by CUID and answers 404 for a Crystal report or an unknown id', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const byCuid = await callJson(
      emu,
      token,
      '/raylight/v1/documents/cuid_AaMONTHLYrEVENUE.006003',
    );
    expect(byCuid.body.document).toMatchObject({ id: 6003, path: 'Public Folders/Finance' });
    for (const id of ['6090', '424242']) {
      const { status, body } = await callJson(emu, token, `/raylight/v1/documents/${id}`);
      expect(status).toBe(404);
      expect(body.error.error_code).toBe('WSR 00400');
    }
  });

  it('lists reports and the data provider of a document', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const reports = await callJson(emu, token, '/raylight/v1/documents/6001/reports');
    expect(reports.body.reports.report).toEqual([
      { id: 1, name: 'Summary', reference: 'R1' },
      { id: 2, name: 'By Product', reference: 'R2' },
    ]);
    const one = await callJson(emu, token, '/raylight/v1/documents/6003/reports/2');
    expect(one.body.report).toMatchObject({ id: 2, name: 'Costs' });
    const missing = await callJson(emu, token, '/raylight/v1/documents/6003/reports/3');
    expect(missing.status).toBe(404);

    const dps = await callJson(emu, token, '/raylight/v1/documents/6003/dataproviders');
    expect(dps.body.dataproviders.dataprovider).toMatchObject({ id: 'DP0', name: 'Query 1' });
    const dp = await callJson(emu, token, '/raylight/v1/documents/6003/dataproviders/DP0');
    expect(
      list(dp.body.dataprovider.dictionary.expression).map((e: { name: string }) => e.name),
    ).toEqual(['Month', 'Account', 'Amount']);
  });
});
