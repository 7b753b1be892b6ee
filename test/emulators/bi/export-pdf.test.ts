import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';

import { answer, call, emulator, logon } from './helpers.js';

const standardFontDataUrl = `${join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

/** The text of every page, one string per page, items joined by spaces. */
async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const pdf = await getDocument({ data: bytes, standardFontDataUrl, isEvalSupported: false })
    .promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const content = await (await pdf.getPage(n)).getTextContent();
    const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
    pages.push(text.replace(/\s+/g, ' ').trim());
  }
  await pdf.destroy();
  return pages;
}

/** Checks the xref table: `startxref` points at it and every entry at its `N 0 obj`. */
function checkXref(bytes: Uint8Array): number {
  const text = Buffer.from(bytes).toString('latin1');
  const start = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  expect(text.slice(start, start + 5)).toBe('xref\n');
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(start)) ?? [];
  expect(first).toBe('0');
  const entries = text
    .slice(start)
    .split('\n')
    .slice(2, 2 + Number(count));
  entries.slice(1).forEach((entry, i) => {
    expect(entry).toMatch(/^\d{10} 00000 n $/);
    const offset = Number(entry.slice(0, 10));
    expect(text.slice(offset, offset + 12)).toMatch(new RegExp(`^${i + 1} 0 obj\n`));
  });
  // Every stream is as long as its /Length says.
  for (const match of text.matchAll(/\/Length (\d+) >>\nstream\n/g)) {
    const end = (match.index ?? 0) + match[0].length + Number(match[1]);
    expect(text.slice(end, end + 10)).toBe('\nendstream');
  }
  return entries.length;
}

async function exportPdf(path: string, token: string, emu: Awaited<ReturnType<typeof emulator>>) {
  const res = await call(emu, token, path, { accept: 'application/pdf' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  expect(res.headers.get('transfer-encoding')).toBe('chunked');
  expect(res.headers.get('content-disposition')).toBeNull();
  return new Uint8Array(await res.arrayBuffer());
}

describe('PDF export', () => {
  it('is a PDF whose text layer holds the data rows, on several pages when needed', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    await answer(emu, token, 6001, { 0: 'EMEA', 1: ['Bikes', 'Services'] });
    const bytes = await exportPdf('/raylight/v1/documents/6001', token, emu);
    expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1')).toBe('%PDF-1.4');
    // Catalog, page tree, two fonts, then a page and a content stream per page: 4 + 2 * 4.
    expect(checkXref(bytes)).toBe(13);

    const pages = await pdfPages(bytes);
    // Two reports of 70 rows each: two pages per report.
    expect(pages).toHaveLength(4);
    expect(pages[0]).toContain('Daily Sales - Summary (1/2)');
    expect(pages[0]).toContain('Date Region Product Line Units Revenue');
    expect(pages[0]).toMatch(/2026-11-01 EMEA Bikes \d+(\.\d+)? \d+(\.\d+)?/);
    expect(pages[2]).toContain('Daily Sales - By Product (1/2)');
    expect(pages.join(' ')).not.toContain('APAC');
  });

  it('exports one report tab, and different answers give different rows', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    await answer(emu, token, 6004, { 0: 'EMEA' });
    const emea = await pdfPages(
      await exportPdf('/raylight/v1/documents/6004/reports/1', token, emu),
    );
    await answer(emu, token, 6004, { 0: 'APAC' });
    const apac = await pdfPages(
      await exportPdf('/raylight/v1/documents/6004/reports/1/pages', token, emu),
    );
    expect(emea).toHaveLength(1);
    expect(emea[0]).toContain('Regional Headcount - Headcount');
    expect(emea[0]).toContain('EMEA');
    expect(apac[0]).toContain('APAC');
    expect(apac[0]).not.toContain('EMEA');
  });

  it('gives the layout without rows before a refresh', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const pages = await pdfPages(await exportPdf('/raylight/v1/documents/6004', token, emu));
    expect(pages).toEqual([
      expect.stringMatching(/^Regional Headcount - Headcount +Region +Department +Employees$/),
    ]);
  });
});
