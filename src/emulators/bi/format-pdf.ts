/**
 * A minimal PDF 1.4 writer for report tables: a catalog, a page tree, Helvetica text drawn with
 * text operators (so readers extract the rows as text), one table row per line, as many A4 pages
 * as the rows need, and an xref table with exact byte offsets.
 */
import type { ReportTable } from './rows.js';

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 40;
const FONT_SIZE = 8;
const LINE_HEIGHT = 11;
// Lines below the title block of each page; 8 pt rows at 11 pt leading fill an A4 page at ~66.
const ROWS_PER_PAGE = Math.floor((PAGE_HEIGHT - 2 * MARGIN - 3 * LINE_HEIGHT) / LINE_HEIGHT);

/** A PDF string literal: Latin-1 only (WinAnsi), with `\`, `(` and `)` escaped. */
function pdfString(text: string): string {
  const latin1 = text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
  return `(${latin1.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

function fit(text: string, width: number): string {
  // Helvetica averages about half an em per character; keep a cell inside its column.
  const maxChars = Math.max(3, Math.floor(width / (FONT_SIZE * 0.55)));
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}~`;
}

interface PageText {
  heading: string;
  columns: string[];
  rows: string[][];
}

/** Splits every table into page-sized slices; each page repeats its report's title and header. */
function paginate(documentName: string, tables: ReportTable[]): PageText[] {
  const pages: PageText[] = [];
  for (const table of tables) {
    const rows = table.rows.map((r) => r.map(String));
    const count = Math.max(1, Math.ceil(rows.length / ROWS_PER_PAGE));
    for (let i = 0; i < count; i += 1) {
      const part = count > 1 ? ` (${i + 1}/${count})` : '';
      pages.push({
        heading: `${documentName} - ${table.title}${part}`,
        columns: table.columns,
        rows: rows.slice(i * ROWS_PER_PAGE, (i + 1) * ROWS_PER_PAGE),
      });
    }
  }
  return pages;
}

function pageContent(page: PageText): string {
  const columnWidth = (PAGE_WIDTH - 2 * MARGIN) / Math.max(1, page.columns.length);
  const ops: string[] = ['BT', `/F2 12 Tf`, `1 0 0 1 ${MARGIN} ${PAGE_HEIGHT - MARGIN} Tm`];
  ops.push(`${pdfString(page.heading)} Tj`);

  const line = (cells: string[], y: number, font: string): void => {
    ops.push(`${font} ${FONT_SIZE} Tf`);
    cells.forEach((cell, i) => {
      const x = (MARGIN + i * columnWidth).toFixed(2);
      ops.push(`1 0 0 1 ${x} ${y} Tm`, `${pdfString(fit(cell, columnWidth - 4))} Tj`);
    });
  };

  let y = PAGE_HEIGHT - MARGIN - 2 * LINE_HEIGHT;
  line(page.columns, y, '/F2');
  for (const row of page.rows) {
    y -= LINE_HEIGHT;
    line(row, y, '/F1');
  }
  ops.push('ET');
  return ops.join('\n');
}

/** Renders `tables` (one or more reports) as a PDF file. */
export function renderPdf(documentName: string, tables: ReportTable[]): Buffer {
  const pages = paginate(documentName, tables);
  const objects: string[] = [];
  // Objects 1-4 are fixed; each page then takes two: the page and its content stream.
  const pageIds = pages.map((_, i) => 5 + 2 * i);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] =
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  pages.forEach((page, i) => {
    const id = 5 + 2 * i;
    const content = pageContent(page);
    objects[id] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
      `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${id + 1} 0 R >>`;
    objects[id + 1] =
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
  });

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id += 1) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id] ?? ''}\nendobj\n`;
  }
  const xrefAt = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id += 1) {
    out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  }
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
