import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

import { answer, call, emulator, logon } from './helpers.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function workbook(emu: Awaited<ReturnType<typeof emulator>>, token: string, path: string) {
  const res = await call(emu, token, path, { accept: XLSX });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(XLSX);
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

/** The value of cell `ref` in a worksheet's XML: inline string text or number. */
function cell(sheet: string, ref: string): string | undefined {
  const match = new RegExp(
    `<c r="${ref}"[^>]*>(?:<is><t[^>]*>([^<]*)</t></is>|<v>([^<]*)</v>)</c>`,
  ).exec(sheet);
  return match?.[1] ?? match?.[2];
}

describe('XLSX export', () => {
  it('is a workbook with the OOXML parts and one sheet per report', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const files = await workbook(emu, token, '/raylight/v1/documents/6003');
    expect(Object.keys(files).sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
    ]);
    expect(files['xl/workbook.xml']).toContain('<sheet name="Revenue" sheetId="1" r:id="rId1"/>');
    expect(files['xl/workbook.xml']).toContain('<sheet name="Costs" sheetId="2" r:id="rId2"/>');
    const sheet = files['xl/worksheets/sheet1.xml'] ?? '';
    expect(cell(sheet, 'A1')).toBe('Month');
    expect(cell(sheet, 'C1')).toBe('Amount');
    expect(cell(sheet, 'A2')).toBe('2026-01');
    expect(Number(cell(sheet, 'C2'))).toBeGreaterThanOrEqual(0);
    expect(sheet.match(/<row /g)).toHaveLength(37);
  });

  it('holds the prompt answers in the cells, so different answers give different data', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    await answer(emu, token, 6002, { 0: 'Japan', 1: ['Osaka'] });
    const japan = await workbook(emu, token, '/raylight/v1/documents/6002/reports/1');
    await answer(emu, token, 6002, { 0: 'France', 1: ['Lyon'] });
    const france = await workbook(emu, token, '/raylight/v1/documents/6002/reports/1');
    const a = japan['xl/worksheets/sheet1.xml'] ?? '';
    const b = france['xl/worksheets/sheet1.xml'] ?? '';
    expect([cell(a, 'A2'), cell(a, 'B2')]).toEqual(['Japan', 'Osaka']);
    expect([cell(b, 'A2'), cell(b, 'B2')]).toEqual(['France', 'Lyon']);
    expect(cell(a, 'D2')).not.toBe(cell(b, 'D2'));
  });
});
