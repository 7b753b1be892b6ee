/**
 * Web Intelligence documents through Raylight (bi4-rest.md §3, §4.3): list with paging, open
 * (which loads the document on the server), reports, data provider row counts, and close.
 */
import type { DocumentInfo } from '../core/index.js';
import { BiError } from '../core/index.js';
import { biError, BiErrorCode } from './codes.js';
import { documentNotFound, notFoundAs } from './infostore.js';
import { callJson, type Scope } from './scope.js';
import { asArray, asObject, pick, text, toId, type Json } from './wire.js';

export const raylight = '/raylight/v1';

/** `limit` may not exceed 50 on /documents (§3.1). */
export const documentPageSize = 50;

/** A close has to happen even after Ctrl-C, but may not hang the exit. */
const closeTimeoutMs = 15_000;

export interface RaylightDocument extends DocumentInfo {
  folderId?: number;
  state?: string;
}

function readDocument(entry: Json): RaylightDocument | undefined {
  const id = toId(entry.id);
  if (id === undefined) return undefined;
  const folderId = toId(entry.folderId);
  const updated = text(pick(entry, 'updated', 'lastRefreshDate'));
  const state = text(entry.state);
  return {
    id,
    cuid: text(entry.cuid) ?? '',
    name: text(entry.name) ?? '',
    ...(folderId !== undefined && { folderId }),
    ...(updated && { updated }),
    ...(state && { state }),
  };
}

/** Every document the user may see, 50 at a time until a short page or `WSR 00400` (§3.1). */
export async function listDocuments(scope: Scope): Promise<RaylightDocument[]> {
  const out: RaylightDocument[] = [];
  for (let offset = 0; ; offset += documentPageSize) {
    let json: Json;
    try {
      json = await callJson(scope, {
        method: 'GET',
        path: `${raylight}/documents`,
        query: { offset, limit: documentPageSize },
      });
    } catch (error) {
      // Past the end the server answers "out of bounds" instead of an empty page.
      if (offset > 0 && error instanceof BiError && error.code === BiErrorCode.notFound) break;
      throw error;
    }
    const page = asArray(asObject(json.documents).document).map(asObject);
    for (const entry of page) {
      const document = readDocument(entry);
      if (document) out.push(document);
    }
    if (page.length < documentPageSize) break;
  }
  return out;
}

/** Opens (loads) a document and returns its details; a 404 means no such Webi document. */
export async function openDocument(scope: Scope, id: number): Promise<RaylightDocument> {
  let json: Json;
  try {
    json = await callJson(scope, { method: 'GET', path: `${raylight}/documents/${id}` });
  } catch (error) {
    throw notFoundAs(error, () => documentNotFound(`No Web Intelligence document with id ${id}`));
  }
  const document = readDocument(asObject(json.document));
  if (!document) {
    throw biError(BiErrorCode.badResponse, `The details of document ${id} have no id`, {
      method: 'GET',
      endpoint: `${raylight}/documents/${id}`,
      hint: 'This may be an unsupported BI version; run with --debug and report it.',
    });
  }
  return document;
}

/**
 * Closes a document without saving (state Unused, §4.3). The JSON form is the mapping of the
 * documented XML [inferred]; a server that refuses it gets the XML form.
 */
export async function closeDocument(scope: Scope, id: number): Promise<void> {
  const closing: Scope = { ...scope, signal: AbortSignal.timeout(closeTimeoutMs) };
  const path = `${raylight}/documents/${id}`;
  try {
    await callJson(closing, { method: 'PUT', path, json: { document: { state: 'Unused' } } });
  } catch (error) {
    if (!(error instanceof BiError) || error.code !== BiErrorCode.badRequest) throw error;
    await callJson(closing, {
      method: 'PUT',
      path,
      body: '<document><state>Unused</state></document>',
      contentType: 'application/xml',
    });
  }
}

export interface ReportTab {
  id: number;
  name: string;
}

/** The reports (tabs) of an open document, in order. */
export async function listReportTabs(scope: Scope, id: number): Promise<ReportTab[]> {
  const json = await callJson(scope, {
    method: 'GET',
    path: `${raylight}/documents/${id}/reports`,
  });
  const out: ReportTab[] = [];
  for (const entry of asArray(asObject(json.reports).report).map(asObject)) {
    const reportId = toId(entry.id);
    if (reportId !== undefined) out.push({ id: reportId, name: text(entry.name) ?? '' });
  }
  return out;
}

/** The report of that name (exact, then ignoring case); BI_REPORT_NOT_FOUND lists the others. */
export function findReport(
  reports: readonly ReportTab[],
  name: string,
  document: string,
): ReportTab {
  const found =
    reports.find((r) => r.name === name) ??
    reports.find((r) => r.name.toLowerCase() === name.toLowerCase());
  if (found) return found;
  throw biError(BiErrorCode.reportNotFound, `Document "${document}" has no report "${name}"`, {
    hint: `Its reports are: ${reports.map((r) => `"${r.name}"`).join(', ') || 'none'}.`,
  });
}

/**
 * Rows fetched by the last refresh, summed over data providers, when every one of them says;
 * undefined otherwise. Best effort: a distributor must not fail an export for a statistic.
 */
export async function refreshedRows(scope: Scope, id: number): Promise<number | undefined> {
  try {
    const base = `${raylight}/documents/${id}/dataproviders`;
    const json = await callJson(scope, { method: 'GET', path: base });
    const providers = asArray(asObject(json.dataproviders).dataprovider).map(asObject);
    if (providers.length === 0) return undefined;

    let total = 0;
    for (const provider of providers) {
      let rows = toId(provider.rowCount);
      const dpId = text(provider.id);
      if (rows === undefined && dpId !== undefined) {
        const details = await callJson(scope, {
          method: 'GET',
          path: `${base}/${encodeURIComponent(dpId)}`,
        });
        rows = toId(asObject(details.dataprovider).rowCount);
      }
      if (rows === undefined) return undefined;
      total += rows;
    }
    return total;
  } catch (error) {
    if (scope.signal?.aborted) throw error;
    return undefined;
  }
}
