/**
 * The text export formats: CSV (`;`-separated with a header row, as clients parse it,
 * bi4-rest.md 3.4), HTML (also the body of the XLS export, see export.ts) and plain text.
 */
import type { ReportTable } from './rows.js';
import { escapeXml } from './wire.js';

function csvField(value: string | number): string {
  const text = String(value);
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One table as CSV: a header row, then the data rows; CRLF line ends as spreadsheets expect. */
export function renderCsv(table: ReportTable): Buffer {
  const lines = [table.columns, ...table.rows].map((r) => r.map(csvField).join(';'));
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

/** Tables as an HTML page, one `<table>` per report. */
export function renderHtml(documentName: string, tables: ReportTable[]): Buffer {
  const sections = tables.map((t) => {
    const head = t.columns.map((c) => `<th>${escapeXml(c)}</th>`).join('');
    const body = t.rows
      .map((r) => `<tr>${r.map((v) => `<td>${escapeXml(String(v))}</td>`).join('')}</tr>`)
      .join('\n');
    return `<h2>${escapeXml(t.title)}</h2>\n<table border="1">\n<tr>${head}</tr>\n${body}\n</table>`;
  });
  const html =
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeXml(documentName)}</title>` +
    `</head><body>\n<h1>${escapeXml(documentName)}</h1>\n${sections.join('\n')}\n</body></html>\n`;
  return Buffer.from(html, 'utf8');
}

/** Tables as tab-separated plain text, each under its report title. */
export function renderText(tables: ReportTable[]): Buffer {
  const parts = tables.map((t) =>
    [t.title, t.columns.join('\t'), ...t.rows.map((r) => r.join('\t'))].join('\n'),
  );
  return Buffer.from(`${parts.join('\n\n')}\n`, 'utf8');
}
