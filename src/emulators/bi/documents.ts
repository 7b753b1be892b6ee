/**
 * Raylight documents: the list with paging, details (which load a document), reports, data
 * providers, and the state change that closes a document (bi4-rest.md 3.1-3.3, 4.3).
 */
import { intParam, sendWire, type Exchange } from './exchange.js';
import { folderPath, type DocumentDef } from './fixtures.js';
import { EMPTY_REPORT_VALUE } from './rows.js';
import type { OpenDocument, Session } from './sessions.js';
import { field, many, parseBody, readText, textOf, WireError, type Wire } from './wire.js';

/** The Web Intelligence document for `{id}` or `cuid_{CUID}`; anything else is `WSR 00400`. */
export function findWebi(ex: Exchange, ref: string): DocumentDef {
  const { byId, byCuid } = ex.state.catalog;
  const doc = ref.startsWith('cuid_')
    ? byCuid.get(ref.slice(5))
    : /^\d+$/.test(ref)
      ? byId.get(Number(ref))
      : undefined;
  if (!doc || doc.kind !== 'Webi') {
    throw new WireError(
      404,
      'WSR 00400',
      `The resource of type "document" with identifier "${ref}" does not exist.`,
    );
  }
  return doc;
}

/** Loads a document into the session (state Original) unless it is already open. */
export function openDocument(session: Session, doc: DocumentDef): OpenDocument {
  let open = session.documents.get(doc.id);
  if (!open) {
    open = { state: 'Original', answers: new Map(), refreshed: false };
    session.documents.set(doc.id, open);
  }
  return open;
}

/** Whether an export carries data rows: refreshed, or saved with data and never prompted. */
export function hasData(doc: DocumentDef, open: OpenDocument): boolean {
  return open.refreshed || (doc.savedWithData && doc.prompts.length === 0);
}

function stateOf(session: Session, doc: DocumentDef): string {
  return session.documents.get(doc.id)?.state ?? 'Unused';
}

// Page size limits from the SDK guide (bi4-rest.md 3.1): default 10, at most 50.
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 50;

/** `GET /documents?offset=&limit=`: Webi documents by name; an offset past the end is 404. */
export function listDocuments(ex: Exchange, session: Session): void {
  const offset = intParam(ex, 'offset', 0);
  const limit = intParam(ex, 'limit', DEFAULT_LIMIT);
  if (limit > MAX_LIMIT) {
    throw new WireError(
      400,
      'WSR 00101',
      `The parameter "limit" must be between 0 and ${MAX_LIMIT}.`,
    );
  }
  const all = ex.state.catalog.webiByName;
  if (offset >= all.length) {
    throw new WireError(404, 'WSR 00400', `The offset ${offset} is out of bounds.`);
  }
  const page = all.slice(offset, offset + limit).map((d) => ({
    id: d.id,
    cuid: d.cuid,
    name: d.name,
    description: d.description,
    folderId: d.folderId,
    state: stateOf(session, d),
  }));
  sendWire(ex, 200, { documents: { document: many(page) } });
}

/** `GET /documents/{id}` with a JSON/XML Accept: the details; this opens the document. */
export function documentDetails(ex: Exchange, session: Session, doc: DocumentDef): void {
  const open = openDocument(session, doc);
  sendWire(ex, 200, {
    document: {
      id: doc.id,
      cuid: doc.cuid,
      name: doc.name,
      description: doc.description,
      folderId: doc.folderId,
      path: `Public Folders${folderPath(ex.state.catalog, doc.folderId)}`,
      updated: doc.updated,
      // True while a recurring schedule exists on the document (instances.ts).
      scheduled: ex.state.instances.ofParent(doc.id).some((r) => r.recurring),
      state: open.state,
      createdBy: 'Administrator',
      lastAuthor: 'Administrator',
      size: 24576 + doc.reports.length * 4096,
      refreshOnOpen: false,
    },
  });
}

/** A Raylight success envelope; ids are strings inside it (bi4-rest.md 1.2). */
export function success(
  message: string,
  id: number | string,
  extra: Record<string, Wire> = {},
): Record<string, Wire> {
  return { success: { message, id: String(id), ...extra } };
}

const updated = (id: number): string =>
  `The resource of type "document" with identifier "${id}" has been successfully updated.`;
const notModified = (id: number): string =>
  `The resource of type "document" with identifier "${id}" has not been modified.`;

/**
 * `PUT /documents/{id}` (and on `occurrences/{n}`): `state: Unused` closes the document (discarding
 * changes); an empty body saves a modified document and leaves an unmodified one alone; any other
 * state, or other fields beside `state`, is `WSR 00103`.
 */
export async function updateDocument(
  ex: Exchange,
  session: Session,
  doc: DocumentDef,
  wrapper: 'document' | 'occurrence',
): Promise<void> {
  const body = parseBody(await readText(ex.req), ex.req.headers['content-type']);
  const open = session.documents.get(doc.id);

  if (body === undefined) {
    const saved = open?.state === 'Modified';
    if (open && saved) open.state = 'Original';
    sendWire(ex, 200, success(saved ? updated(doc.id) : notModified(doc.id), doc.id));
    return;
  }

  const inner = field(body, wrapper);
  const state = textOf(field(inner, 'state'));
  const keys =
    inner && typeof inner === 'object'
      ? Object.keys(inner).filter((k) => !k.startsWith('@') && k !== '$')
      : [];
  if (state === undefined) {
    throw new WireError(400, 'WSR 00102', `The request body needs a "${wrapper}" element.`);
  }
  // With `state` present no other property is accepted (bi4-rest.md 4.3).
  if (keys.length !== 1) {
    throw new WireError(400, 'WSR 00103', 'No other property may be updated with "state".');
  }
  if (state !== 'Unused') {
    throw new WireError(
      400,
      'WSR 00103',
      `The property "state" of the ${wrapper} cannot be updated to "${state}".`,
    );
  }

  session.documents.delete(doc.id);
  sendWire(
    ex,
    200,
    success(open?.state === 'Modified' ? updated(doc.id) : notModified(doc.id), doc.id),
  );
}

/** `GET /documents/{id}/reports` and `/reports/{rid}` (details, not export). */
export function reports(ex: Exchange, doc: DocumentDef, reportId: number | undefined): void {
  const all = doc.reports.map((name, i) => ({ id: i + 1, name, reference: `R${i + 1}` }));
  if (reportId === undefined) {
    sendWire(ex, 200, { reports: { report: many(all) } });
    return;
  }
  reportById(doc, reportId);
  sendWire(ex, 200, { report: all[reportId - 1] });
}

/** The 1-based report id checked against the document, or `WSR 00400`. */
export function reportById(doc: DocumentDef, reportId: number): string {
  const name = doc.reports[reportId - 1];
  if (name === undefined) {
    throw new WireError(
      404,
      'WSR 00400',
      `The resource of type "report" with identifier "${reportId}" does not exist.`,
    );
  }
  return name;
}

// Rows of the Large Export per line of its generated body (large-export.ts writes ~64 bytes).
const LARGE_ROW_BYTES = 64;

/**
 * What the last refresh of the session's copy returned: row count (0 for an empty answer such as
 * Region=Antarctica, or before a prompted document is refreshed), and its duration in seconds.
 */
function lastRefresh(ex: Exchange, session: Session, doc: DocumentDef): Record<string, Wire> {
  const open = openDocument(session, doc);
  const withData = hasData(doc, open);
  const empty = [...open.answers.values()].some((v) => v.includes(EMPTY_REPORT_VALUE));
  const rows = doc.large ? Math.ceil(ex.state.largeExportBytes / LARGE_ROW_BYTES) : doc.rowCount;
  return {
    rowCount: withData && !empty ? rows : 0,
    isPartial: false,
    duration: open.refreshed ? 1 : 0,
  };
}

/**
 * `GET /documents/{id}/dataproviders[/{dpId}]`: one data provider, `DP0`, per document; the
 * details carry `rowCount`, `isPartial` and `duration` of the last refresh.
 */
export function dataProviders(
  ex: Exchange,
  session: Session,
  doc: DocumentDef,
  dpId: string | undefined,
): void {
  const summary = {
    id: 'DP0',
    name: 'Query 1',
    dataSourceId: 5890,
    dataSourceType: 'unx',
    updated: doc.updated,
  };
  if (dpId === undefined) {
    sendWire(ex, 200, { dataproviders: { dataprovider: summary } });
    return;
  }
  if (dpId !== 'DP0') {
    throw new WireError(
      404,
      'WSR 00400',
      `The resource of type "dataprovider" with identifier "${dpId}" does not exist.`,
    );
  }
  const expressions = doc.columns.map((c, i) => ({
    '@dataType': c.type === 'Numeric' ? 'Numeric' : 'String',
    '@qualification': c.type === 'Numeric' ? 'Measure' : 'Dimension',
    id: `DP0.DO${i + 1}`,
    name: c.name,
  }));
  sendWire(ex, 200, {
    dataprovider: {
      ...summary,
      ...lastRefresh(ex, session, doc),
      dictionary: { expression: many(expressions) },
    },
  });
}
