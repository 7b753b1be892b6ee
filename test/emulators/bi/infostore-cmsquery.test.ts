import { describe, expect, it } from 'vitest';

import { call, callJson, emulator, logon } from './helpers.js';

type Entry = { id: number; name: string; type: string; cuid: string };

describe('infostore walk', () => {
  it('walks from Root Folder to /Sales/Daily and finds its Webi documents', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const top = await callJson(emu, token, '/infostore');
    expect(top.body.entries.map((e: Entry) => e.name)).toEqual(['Root Folder']);

    const root = await callJson(emu, token, '/infostore/Root%20Folder/children');
    const sales = root.body.entries.find((e: Entry) => e.name === 'Sales');
    expect(sales.type).toBe('Folder');
    const salesChildren = await callJson(emu, token, `/infostore/${sales.id}/children`);
    const daily = salesChildren.body.entries.find((e: Entry) => e.name === 'Daily');
    const docs = await callJson(emu, token, `/infostore/${daily.id}/children?type=Webi`);
    expect(docs.body.entries.map((e: Entry) => e.name)).toEqual([
      'Daily Sales',
      'Store Performance',
    ]);
    expect(docs.body.entries[0].up.__deferred.uri).toBe(`${emu.url}/infostore/${daily.id}`);
  });

  it('finds an object by CUID and by id, in JSON and as an Atom entry', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const byCuid = await callJson(emu, token, '/infostore/cuid_ASHnC0S_Pw5LhKFbZ.iA_j4');
    expect(byCuid.body).toMatchObject({ id: 23, name: 'Root Folder', type: 'Folder' });
    const crystal = await callJson(emu, token, '/infostore/6090');
    expect(crystal.body.type).toBe('CrystalReport');

    const xml = await call(emu, token, '/infostore/6001', { accept: 'application/xml' });
    const text = await xml.text();
    expect(text).toContain('<entry xmlns="http://www.w3.org/2005/Atom">');
    expect(text).toContain('<attr name="cuid" type="string">AaDaILySALES.0000006001</attr>');

    const missing = await callJson(emu, token, '/infostore/999999');
    expect(missing.status).toBe(404);
  });

  it('pages children with page and pageSize and a next link', async () => {
    const emu = await emulator({ generatedDocuments: 7 });
    const token = await logon(emu);
    const first = await callJson(emu, token, '/infostore/5005/children?page=1&pageSize=5');
    expect(first.body.entries).toHaveLength(5);
    expect(first.body.next.__deferred.uri).toBe(
      `${emu.url}/infostore/5005/children?page=2&pageSize=5`,
    );
    const second = await callJson(emu, token, '/infostore/5005/children?page=2&pagesize=5');
    expect(second.body.entries).toHaveLength(2);
    expect(second.body.next).toBeUndefined();
    expect(second.body.__metadata.uri).toBe(second.body.last.__deferred.uri);
  });
});

describe('CMS query', () => {
  const query = (emu: Awaited<ReturnType<typeof emulator>>, token: string, q: string, page = '') =>
    callJson(emu, token, `/v1/cmsquery${page}`, { method: 'POST', body: { query: q } });

  it('answers the WHERE forms clients use', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const byParent = await query(
      emu,
      token,
      "SELECT SI_ID, SI_NAME, SI_CUID FROM CI_INFOOBJECTS WHERE SI_KIND='Webi' AND SI_PARENTID=5002",
    );
    expect(byParent.body.entries).toEqual([
      { SI_ID: 6001, SI_NAME: 'Daily Sales', SI_CUID: 'AaDaILySALES.0000006001' },
      { SI_ID: 6002, SI_NAME: 'Store Performance', SI_CUID: 'AaSTOREpERFORMANCE06002' },
    ]);

    const byName = await query(
      emu,
      token,
      "SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_NAME='Monthly Revenue' AND SI_INSTANCE=0",
    );
    expect(byName.body.entries).toEqual([{ SI_ID: 6003 }]);

    const byCuid = await query(
      emu,
      token,
      "SELECT * FROM CI_INFOOBJECTS WHERE SI_CUID = 'AaLARGEeXPORT.000006005'",
    );
    expect(byCuid.body.entries[0]).toMatchObject({
      SI_ID: 6005,
      SI_KIND: 'Webi',
      SI_PARENT_FOLDER: 5004,
    });

    const subtree = await query(
      emu,
      token,
      "SELECT SI_NAME FROM CI_INFOOBJECTS WHERE SI_ANCESTOR=5001 AND SI_KIND='Webi' ORDER BY SI_NAME DESC",
    );
    expect(subtree.body.entries.map((e: { SI_NAME: string }) => e.SI_NAME)).toEqual([
      'Store Performance',
      'Daily Sales',
    ]);

    const crystal = await query(
      emu,
      token,
      "SELECT TOP 5 SI_ID FROM CI_INFOOBJECTS WHERE SI_KIND IN ('CrystalReport') OR SI_NAME LIKE 'Budget%'",
    );
    expect(crystal.body.entries).toEqual([{ SI_ID: 6090 }]);
  });

  it('pages with page and pagesize, next and last links', async () => {
    const emu = await emulator({ generatedDocuments: 5 });
    const token = await logon(emu);
    const q = 'SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_PARENT_FOLDER=5005';
    const first = await query(emu, token, q, '?page=1&pagesize=3');
    expect(first.body.entries).toHaveLength(3);
    const nextUri: string = first.body.next.__deferred.uri;
    const second = await fetch(nextUri, {
      method: 'POST',
      headers: {
        'X-SAP-LogonToken': token,
        'Content-Type': 'application/json;odata=verbose',
        Accept: 'application/json',
      },
      body: JSON.stringify({ query: q }),
    });
    const body = (await second.json()) as {
      entries: unknown[];
      __metadata: { uri: string };
      last: { __deferred: { uri: string } };
    };
    expect(body.entries).toHaveLength(2);
    expect(body.__metadata.uri).toBe(body.last.__deferred.uri);
  });

  it('takes the query as an XML attrs body and answers an Atom feed', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const res = await call(emu, token, '/v1/cmsquery', {
      method: 'POST',
      accept: 'application/xml',
      body:
        '<attrs xmlns="http://www.sap.com/rws/bip"><attr name="query" type="string">' +
        'SELECT SI_ID, SI_NAME FROM CI_INFOOBJECTS WHERE SI_ID=6003</attr></attrs>',
    });
    const xml = await res.text();
    expect(res.status).toBe(200);
    expect(xml).toContain('<attr name="SI_ID" type="int32">6003</attr>');
    expect(xml).toContain('<attr name="SI_NAME" type="string">Monthly Revenue</attr>');
  });

  it('refuses unknown syntax with 400 WSR 00101 in the platform envelope', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    for (const q of [
      'DELETE FROM CI_INFOOBJECTS',
      "SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_NAME ~ 'x'",
      'SELECT SI_ID FROM CI_NOWHERE',
      "SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_NAME='x' GROUP BY SI_ID",
    ]) {
      const res = await query(emu, token, q);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('WSR 00101');
      expect(res.body.message).toMatch(/^The query is not valid: .+\(WSR 00101\)$/);
    }
  });
});
