/**
 * The export call (bi4-rest.md §3.4): the format is chosen by the Accept header alone, the URL
 * chooses the scope (whole document or one report). The body is handed back unread.
 */
import type { ExportFormat } from '../core/index.js';
import { biError, BiErrorCode } from './codes.js';
import { raylight } from './documents.js';
import { header, type BiCall, type BiResponse } from './http.js';
import { callOpen, type Scope } from './scope.js';

/** Accept values seen working against real servers (§3.4). */
export const exportMediaTypes: Readonly<Record<ExportFormat, string>> = Object.freeze({
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  csv: 'text/csv',
});

/** The export request for a whole document or one report. */
export function exportCall(documentId: number, format: ExportFormat, reportId?: number): BiCall {
  const scope = reportId === undefined ? '' : `/reports/${reportId}`;
  return {
    method: 'GET',
    path: `${raylight}/documents/${documentId}${scope}`,
    accept: exportMediaTypes[format],
    slow: true,
  };
}

export interface ExportResponse {
  response: BiResponse;
  /** The call that produced it, for errors while its body streams. */
  call: BiCall;
  contentType: string;
  size?: number;
}

/**
 * Checks a 2xx export answer: a JSON or XML body means the server ignored the Accept header and
 * sent document details instead of the file, which would be delivered as garbage.
 */
export function processExportResponse(call: BiCall, response: BiResponse): ExportResponse {
  const contentType = header(response.headers, 'content-type') ?? call.accept ?? '';
  if (/\b(json|xml)\b/i.test(contentType) && !/\b(json|xml)\b/i.test(call.accept ?? '')) {
    response.body.destroy();
    throw biError(
      BiErrorCode.badResponse,
      `The BI platform answered an export with ${contentType.split(';')[0]}, not a file`,
      {
        method: call.method,
        endpoint: call.path,
        status: response.status,
        hint: 'This BI version may not export this format at this scope; try another format or --report.',
      },
    );
  }
  const length = Number(header(response.headers, 'content-length'));
  return {
    response,
    call,
    contentType,
    ...(Number.isSafeInteger(length) && length >= 0 && { size: length }),
  };
}

/** Sends the export and checks its headers; the body is not read. */
export async function startExport(
  scope: Scope,
  documentId: number,
  format: ExportFormat,
  reportId?: number,
): Promise<ExportResponse> {
  const call = exportCall(documentId, format, reportId);
  const response = await callOpen(scope, call);
  return processExportResponse(call, response);
}
