import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

import { call, callJson, emulator, logon } from './helpers.js';
import { download, pdfText } from './instances-helpers.js';

describe('GET /infostore/folder/{id}/file', () => {
  it('serves an instance file as a real PDF that pdf.js opens', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const file = await download(emu, token, 6203);
    expect(file.status).toBe(200);
    expect(file.type).toBe('application/pdf');
    expect(file.res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="~ce[0-9a-f]{16}\.pdf"$/,
    );
    expect(Buffer.from(file.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = await pdfText(file.bytes);
    expect(text).toContain('Daily Sales');
    expect(text).toContain('EMEA');

    // The size in SI_FILES is the size of the body.
    const rows = await callJson(emu, token, '/v1/cmsquery', {
      method: 'POST',
      body: { query: 'SELECT SI_FILES FROM CI_INFOOBJECTS WHERE SI_ID=6203' },
    });
    expect(rows.body.entries[0].SI_FILES.SI_VALUE1).toBe(file.bytes.length);
  });

  it('serves the Crystal report instance as a PDF, and Monthly Revenue as an XLSX workbook', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const crystal = await download(emu, token, 6223);
    expect(await pdfText(crystal.bytes)).toMatch(/Legacy Invoices .*INV-/);

    const excel = await download(emu, token, 6211);
    expect(excel.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(Object.keys(unzipSync(excel.bytes))).toContain('xl/worksheets/sheet1.xml');
  });

  it('serves uploaded PDF and Excel objects as themselves', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const pdf = await download(emu, token, 6100);
    expect(await pdfText(pdf.bytes)).toContain('Annual Report 2025');
    const xlsx = await download(emu, token, 6101);
    expect(Buffer.from(xlsx.bytes.subarray(0, 4))).toEqual(Buffer.from([0x50, 0x4b, 3, 4]));
  });

  it('answers 404 for an unknown id and for objects without a file', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    for (const id of [999999, 6204, 6205, 6001, 5002]) {
      const res = await callJson(emu, token, `/infostore/folder/${id}/file`);
      expect([id, res.status, res.body.error_code]).toEqual([id, 404, 'WSR 00400']);
    }
  });

  it('refuses a user without the view right with 403, and a missing token with 401', async () => {
    const emu = await emulator({
      users: { Administrator: 'Demo-Password-1', auditor: 'Demo-Password-1' },
      rights: { auditor: { view: false } },
    });
    const token = await logon(emu, 'auditor');
    const refused = await callJson(emu, token, '/infostore/folder/6203/file');
    expect(refused.status).toBe(403);
    expect(refused.body.error_code).toBe('WSR 00402');

    const anonymous = await callJson(emu, undefined, '/infostore/folder/6203/file');
    expect(anonymous.status).toBe(401);
  });

  it('shows instances as infostore objects and as children of their document; DELETE is 405', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const object = await callJson(emu, token, '/infostore/6203');
    expect(object.body).toMatchObject({
      id: 6203,
      name: 'Daily Sales',
      type: 'Pdf',
      parentid: 6001,
    });

    const children = await callJson(emu, token, '/infostore/6001/children');
    expect(children.body.entries.map((e: { id: number }) => e.id)).toEqual([
      6201, 6202, 6203, 6204, 6205,
    ]);

    const deleted = await call(emu, token, '/infostore/6203', { method: 'DELETE' });
    expect(deleted.status).toBe(405);
    expect((await callJson(emu, token, '/infostore/6203')).status).toBe(200);
  });
});
