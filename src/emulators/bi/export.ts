/**
 * Export: the `Accept` header picks the format, the URL the scope (whole document, one report,
 * or a data provider's flow), bi4-rest.md 3.4. Bodies are streamed chunked, throttled when asked.
 */
import type { Exchange } from './exchange.js';
import { hasData, openDocument, reportById } from './documents.js';
import type { DocumentDef } from './fixtures.js';
import { renderPdf } from './format-pdf.js';
import { renderCsv, renderHtml, renderText } from './format-text.js';
import { renderXlsx } from './format-xlsx.js';
import { largeExportChunks } from './large-export.js';
import { reportTable, type ReportTable } from './rows.js';
import type { Session } from './sessions.js';
import { streamBody } from './stream-body.js';
import { WireError } from './wire.js';

export type ExportFormat = 'pdf' | 'xlsx' | 'xls' | 'csv' | 'html' | 'txt';

/** Content types per format, as clients send them in `Accept` and get them back. */
export const EXPORT_TYPES: Record<ExportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  csv: 'text/csv',
  html: 'text/html',
  txt: 'text/plain',
};

/**
 * What an `Accept` asks for: a wire body (JSON/XML, also for none or `*∕*`), an export format, or
 * something the emulator does not export (`unsupported`).
 */
export function acceptKind(accept: string | undefined): ExportFormat | 'wire' | 'unsupported' {
  const types = (accept ?? '')
    .split(',')
    .map((t) => t.split(';')[0]?.trim().toLowerCase() ?? '')
    .filter((t) => t !== '');
  if (types.length === 0) return 'wire';
  for (const type of types) {
    if (/^(application\/(json|xml)|text\/xml|\*\/\*)$/.test(type)) return 'wire';
    const format = (Object.keys(EXPORT_TYPES) as ExportFormat[]).find(
      (f) => EXPORT_TYPES[f] === type,
    );
    if (format) return format;
  }
  return 'unsupported';
}

/** Where an export reads from: all reports, one report (1-based), or data provider DP0. */
export type ExportScope =
  { kind: 'document' } | { kind: 'report'; reportId: number } | { kind: 'flow' };

function render(
  format: ExportFormat,
  doc: DocumentDef,
  tables: ReportTable[],
  flow: ReportTable,
): Buffer {
  switch (format) {
    case 'pdf':
      return renderPdf(doc.name, tables);
    case 'xlsx':
      return renderXlsx(tables);
    // The real XLS is BIFF8, which takes an OLE2 container to write; an HTML table served as
    // application/vnd.ms-excel is what spreadsheet programs also open, and it holds the data.
    case 'xls':
    case 'html':
      return renderHtml(doc.name, tables);
    // CSV is a flat result set: one report's table, or for the whole document (and a data
    // provider flow) the data provider's rows, as the scheduler's onePerDataProvider option implies.
    case 'csv':
      return renderCsv(tables.length === 1 ? (tables[0] ?? flow) : flow);
    case 'txt':
      return renderText(tables);
  }
}

function* slices(buffer: Buffer): Generator<Buffer> {
  const size = 64 * 1024;
  for (let at = 0; at < buffer.length; at += size) yield buffer.subarray(at, at + size);
}

/** Sends the export of `doc` in `format` for `scope`; opens the document if it was not open. */
export async function exportDocument(
  ex: Exchange,
  session: Session,
  doc: DocumentDef,
  format: ExportFormat,
  scope: ExportScope,
): Promise<void> {
  if (scope.kind === 'report') reportById(doc, scope.reportId);
  if (scope.kind === 'flow' && format !== 'csv') {
    throw new WireError(406, 'WSR 00501', 'A data provider flow is only exported as text/csv.');
  }
  const open = openDocument(session, doc);
  ex.state.counters.exports += 1;
  const type = EXPORT_TYPES[format];
  const rate = ex.state.exportBytesPerSecond;

  if (doc.large) {
    const total = ex.state.largeExportBytes;
    await streamBody(ex, type, largeExportChunks(total), rate, total);
    return;
  }

  const withData = hasData(doc, open);
  const indexes =
    scope.kind === 'report'
      ? [scope.reportId - 1]
      : scope.kind === 'flow'
        ? [0]
        : doc.reports.map((_, i) => i);
  const tables = indexes.map((i) => reportTable(doc, i, open.answers, withData));
  const flow = { ...reportTable(doc, 0, open.answers, withData), title: 'Query 1' };
  const body = render(format, doc, scope.kind === 'flow' ? [flow] : tables, flow);
  const contentType =
    format === 'csv' || format === 'html' || format === 'txt' ? `${type};charset=UTF-8` : type;
  await streamBody(ex, contentType, slices(body), rate, body.length);
}
