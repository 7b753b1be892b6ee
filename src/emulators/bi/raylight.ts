/**
 * Routes below `/raylight/v1`: about, session, documents and everything under a document,
 * including the 4.3-era `occurrences/{n}` paths, which lead to the same per-session copy.
 */
import {
  dataProviders,
  documentDetails,
  findWebi,
  listDocuments,
  openDocument,
  reports,
  success,
  updateDocument,
} from './documents.js';
import { requireSession, sendWire, type Exchange } from './exchange.js';
import { acceptKind, exportDocument, type ExportFormat, type ExportScope } from './export.js';
import { getParameters, putParameters } from './prompts.js';
import { handleSchedules } from './schedules.js';
import { WireError } from './wire.js';

function notFound(ex: Exchange): WireError {
  return new WireError(404, 'WSR 00400', `The resource "${ex.path}" does not exist.`);
}

function unsupportedAccept(): WireError {
  return new WireError(406, 'WSR 00501', 'The requested format (Accept header) is not supported.');
}

/** `GET` of a path that is either details (JSON/XML) or an export, depending on `Accept`. */
async function detailsOrExport(
  ex: Exchange,
  details: () => void,
  run: (format: ExportFormat) => Promise<void>,
): Promise<void> {
  const kind = acceptKind(ex.req.headers.accept);
  if (kind === 'wire') details();
  else if (kind === 'unsupported') throw unsupportedAccept();
  else await run(kind);
}

/** Dispatches a Raylight request; the caller has checked the path starts with `/raylight/v1`. */
export async function handleRaylight(ex: Exchange): Promise<void> {
  const session = requireSession(ex);
  const [resource, ref, ...rest] = ex.segments.slice(2);
  const { method } = ex;

  if (resource === 'about' && ref === undefined && method === 'GET') {
    sendWire(ex, 200, { about: { product: 'BI platform emulator', version: '14.3.0' } });
    return;
  }
  if (resource === 'session' && ref === undefined && method === 'GET') {
    sendWire(ex, 200, { session: { user: session.user } });
    return;
  }
  if (resource !== 'documents') throw notFound(ex);
  if (ref === undefined) {
    if (method !== 'GET') throw notFound(ex);
    listDocuments(ex, session);
    return;
  }

  const doc = findWebi(ex, ref);
  let sub = rest;
  if (sub[0] === 'occurrences') {
    // One working copy per session: occurrence 0, created implicitly when the document opens.
    if (sub.length === 1 && method === 'POST') {
      openDocument(session, doc);
      sendWire(ex, 200, success('The occurrence has been created.', 0));
      return;
    }
    if (sub[1] !== '0') throw notFound(ex);
    if (sub.length === 2 && method === 'PUT') {
      await updateDocument(ex, session, doc, 'occurrence');
      return;
    }
    sub = sub.slice(2);
  }

  const [part, partId, leaf, leafId, extra] = sub;
  if (part === undefined) {
    if (method === 'PUT') await updateDocument(ex, session, doc, 'document');
    else if (method === 'GET') {
      const scope: ExportScope = { kind: 'document' };
      await detailsOrExport(
        ex,
        () => documentDetails(ex, session, doc),
        (f) => exportDocument(ex, session, doc, f, scope),
      );
    } else throw notFound(ex);
    return;
  }

  if (part === 'parameters' && partId === undefined) {
    if (method === 'GET') getParameters(ex, session, doc);
    else if (method === 'PUT') await putParameters(ex, session, doc);
    else throw notFound(ex);
    return;
  }

  // Schedules run on the job servers: they neither need nor open the session's copy.
  if (part === 'schedules' && leaf === undefined) return handleSchedules(ex, session, doc, partId);

  if (method !== 'GET') throw notFound(ex);
  openDocument(session, doc);

  if (part === 'reports') {
    if (partId === undefined) return reports(ex, doc, undefined);
    const reportId = /^\d+$/.test(partId) ? Number(partId) : -1;
    if (leaf !== undefined && (leaf !== 'pages' || leafId !== undefined)) throw notFound(ex);
    const scope: ExportScope = { kind: 'report', reportId };
    await detailsOrExport(
      ex,
      () => reports(ex, doc, reportId),
      (f) => exportDocument(ex, session, doc, f, scope),
    );
    return;
  }

  if (part === 'dataproviders' && extra === undefined) {
    if (leaf === undefined) return dataProviders(ex, session, doc, partId);
    if (leaf !== 'flows' || leafId === undefined || partId !== 'DP0') throw notFound(ex);
    const kind = acceptKind(ex.req.headers.accept);
    if (kind === 'wire' || kind === 'unsupported') throw unsupportedAccept();
    await exportDocument(ex, session, doc, kind, { kind: 'flow' });
    return;
  }
  throw notFound(ex);
}
