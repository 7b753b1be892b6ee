/**
 * Platform navigation: `/infostore` objects and children (folders, documents) and the CMS query
 * endpoint, in platform JSON (flat objects, `entries`, `__deferred` links) or Atom XML
 * (bi4-rest.md 6.1, 6.2).
 */
import { runCmsQuery, parseCmsQuery, type CmsObject, type CmsProp } from './cms-query.js';
import { wireRow, type CmsWire } from './cms-values.js';
import { intParam, requireSession, sendJson, sendXml, type Exchange } from './exchange.js';
import { ROOT_FOLDER, type Catalog } from './fixtures.js';
import { KIND_OF_FORMAT } from './instance-files.js';
import { filesBag, instanceProps, uploadOf } from './instance-props.js';
import type { InstanceRecord } from './instances.js';
import { handleFile, handleScheduleForms } from './schedule-forms.js';
import { escapeXml, field, parseBody, readText, textOf, WireError } from './wire.js';

/** A folder, document or instance as `/infostore` shows it. */
export interface InfoObject {
  id: number;
  cuid: string;
  name: string;
  description: string;
  type: string;
  parentId: number;
  updated: string;
}

const PROG_IDS: Record<string, string> = {
  Folder: 'CrystalEnterprise.Folder',
  Webi: 'CrystalEnterprise.Webi',
  CrystalReport: 'CrystalEnterprise.CrystalReport',
  Pdf: 'CrystalEnterprise.Pdf',
  Excel: 'CrystalEnterprise.Excel',
  Txt: 'CrystalEnterprise.Txt',
};

interface InfoIndex {
  objects: InfoObject[];
  byId: Map<number, InfoObject>;
  byCuid: Map<string, InfoObject>;
  children: Map<number, InfoObject[]>;
  cms: CmsObject[];
  /** Folders above each object, nearest first (SI_ANCESTOR). */
  ancestors: Map<number, number[]>;
}

// The catalog never changes once built, so its index is built once per catalog.
const indexes = new WeakMap<Catalog, InfoIndex>();

/** Every folder and document as an infostore object, with lookups and CMS properties. */
function infoIndex(catalog: Catalog): InfoIndex {
  const cached = indexes.get(catalog);
  if (cached) return cached;

  const objects: InfoObject[] = [
    ...catalog.folders.map((f) => ({
      id: f.id,
      cuid: f.cuid,
      name: f.name,
      description: '',
      type: 'Folder',
      parentId: f.parentId,
      updated: '2026-01-05T09:00:00.000Z',
    })),
    ...catalog.documents.map((d) => ({
      id: d.id,
      cuid: d.cuid,
      name: d.name,
      description: d.description,
      type: d.kind,
      parentId: d.folderId,
      updated: d.updated,
    })),
  ];
  const byId = new Map(objects.map((o) => [o.id, o]));
  const children = new Map<number, InfoObject[]>();
  for (const o of [...objects].sort((a, b) => a.name.localeCompare(b.name))) {
    children.set(o.parentId, [...(children.get(o.parentId) ?? []), o]);
  }
  const ancestors = (o: InfoObject): number[] => {
    const ids: number[] = [];
    for (let id = o.parentId; id !== 0; id = byId.get(id)?.parentId ?? 0) ids.push(id);
    return ids;
  };
  const cms = objects.map((o) => {
    const props: Record<string, CmsProp> = {
      SI_ID: o.id,
      SI_CUID: o.cuid,
      SI_NAME: o.name,
      SI_KIND: o.type,
      SI_PROGID: PROG_IDS[o.type] ?? o.type,
      SI_PARENTID: o.parentId,
      SI_PARENT_FOLDER: o.parentId,
      SI_PARENT_CUID: byId.get(o.parentId)?.cuid ?? '',
      SI_INSTANCE: false,
      SI_DESCRIPTION: o.description,
      SI_OWNER: 'Administrator',
      SI_UPDATE_TS: o.updated,
    };
    const doc = catalog.byId.get(o.id);
    const upload = doc && o.type !== 'Folder' ? uploadOf(doc) : undefined;
    if (upload) props.SI_FILES = filesBag(upload);
    return { props, ancestors: ancestors(o) };
  });

  const index = {
    objects,
    byId,
    byCuid: new Map(objects.map((o) => [o.cuid, o])),
    children,
    cms,
    ancestors: new Map(objects.map((o) => [o.id, ancestors(o)])),
  };
  indexes.set(catalog, index);
  return index;
}

function instanceObject(r: InstanceRecord): InfoObject {
  return {
    id: r.id,
    cuid: r.cuid,
    name: r.name,
    description: '',
    type: KIND_OF_FORMAT[r.format],
    parentId: r.parent.id,
    updated: r.updated.toISOString(),
  };
}

function byRef(ex: Exchange, index: InfoIndex, ref: string): InfoObject | undefined {
  const instances = ex.state.instances;
  if (/^\d+$/.test(ref)) {
    const instance = instances.get(Number(ref));
    return index.byId.get(Number(ref)) ?? (instance && instanceObject(instance));
  }
  // The schedule forms take a bare CUID as well (bi4-instances.md 3.1).
  const cuid = ref.startsWith('cuid_') ? ref.slice(5) : ref;
  const instance = instances.all().find((r) => r.cuid === cuid);
  return index.byCuid.get(cuid) ?? (instance && instanceObject(instance));
}

/** Resolves `{id}`, `cuid_{CUID}`, a bare CUID or a named root such as `Root Folder`. */
export function findObject(ex: Exchange, ref: string): InfoObject {
  const index = infoIndex(ex.state.catalog);
  const root = index.byId.get(ROOT_FOLDER.id);
  const found =
    root && root.name.toLowerCase() === ref.toLowerCase() ? root : byRef(ex, index, ref);
  if (!found) {
    throw new WireError(404, 'WSR 00400', `The infostore object "${ref}" does not exist.`);
  }
  return found;
}

function objectJson(ex: Exchange, o: InfoObject): Record<string, unknown> {
  const uri = `${ex.baseUrl}/infostore/${o.id}`;
  return {
    id: o.id,
    cuid: o.cuid,
    name: o.name,
    description: o.description,
    type: o.type,
    parentid: o.parentId,
    updated: o.updated,
    __metadata: { uri },
    up: { __deferred: { uri: `${ex.baseUrl}/infostore/${o.parentId}` } },
    children: { __deferred: { uri: `${uri}/children` } },
  };
}

function attrType(value: CmsWire): string {
  if (typeof value === 'object') return 'bag';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'number' ? 'int32' : 'string';
}

// A bag is written as nested attrs; the XML form of bags was not seen (bi4-instances.md Q4).
function attrsXml(attrs: Record<string, CmsWire>): string {
  return Object.entries(attrs)
    .map(([k, v]) => {
      const inner = typeof v === 'object' ? `<attrs>${attrsXml(v)}</attrs>` : escapeXml(String(v));
      return `<attr name="${escapeXml(k)}" type="${attrType(v)}">${inner}</attr>`;
    })
    .join('');
}

function atomEntry(title: string, href: string, attrs: Record<string, CmsWire>): string {
  const body = attrsXml(attrs);
  return (
    `<entry><title type="text">${escapeXml(title)}</title><id>${escapeXml(href)}</id>` +
    `<link rel="alternate" href="${escapeXml(href)}"/>` +
    `<content type="application/xml"><attrs xmlns="http://www.sap.com/rws/bip">${body}</attrs></content></entry>`
  );
}

function atomFeed(title: string, links: Record<string, string>, entries: string[]): string {
  const linkXml = Object.entries(links)
    .map(([rel, href]) => `<link rel="${rel}" href="${escapeXml(href)}"/>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">` +
    `<title type="text">${escapeXml(title)}</title>${linkXml}${entries.join('')}</feed>`
  );
}

function objectAttrs(o: InfoObject): Record<string, CmsWire> {
  return { id: o.id, cuid: o.cuid, name: o.name, description: o.description, type: o.type };
}

/** One page of a list, with the `first`/`next`/`last` links clients follow. */
function paged<T>(
  ex: Exchange,
  items: T[],
  uri: (page: number, size: number) => string,
  defaultSize: number,
): { page: T[]; links: Record<string, string> } {
  const size = Math.max(1, intParam(ex, 'pagesize', defaultSize));
  const page = Math.max(1, intParam(ex, 'page', 1));
  const lastPage = Math.max(1, Math.ceil(items.length / size));
  const links: Record<string, string> = {
    self: uri(page, size),
    first: uri(1, size),
    last: uri(lastPage, size),
  };
  if (page < lastPage) links.next = uri(page + 1, size);
  return { page: items.slice((page - 1) * size, page * size), links };
}

function deferredLinks(links: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { __metadata: { uri: links.self } };
  for (const rel of ['first', 'next', 'last']) {
    const href = links[rel];
    if (href !== undefined) out[rel] = { __deferred: { uri: href } };
  }
  return out;
}

// Default page size: 50, as claimed for cmsquery (bi4-rest.md 6.2, [I]); children use the same.
const DEFAULT_PAGE_SIZE = 50;

function sendObjects(ex: Exchange, title: string, all: InfoObject[], base: string): void {
  const { page, links } = paged(
    ex,
    all,
    (p, s) => `${base}?page=${p}&pageSize=${s}`,
    DEFAULT_PAGE_SIZE,
  );
  if (ex.format === 'json') {
    sendJson(ex, 200, { entries: page.map((o) => objectJson(ex, o)), ...deferredLinks(links) });
    return;
  }
  const entries = page.map((o) =>
    atomEntry(o.name, `${ex.baseUrl}/infostore/${o.id}`, objectAttrs(o)),
  );
  sendXml(ex, 200, atomFeed(title, links, entries));
}

/**
 * `GET /infostore`, `/infostore/{ref}`, `/infostore/{ref}/children`; the file and schedule form
 * routes are passed on; `DELETE /infostore/{id}` is refused with 405 as S3 saw it
 * (bi4-instances.md 2.2).
 */
export async function handleInfostore(ex: Exchange): Promise<void> {
  const session = requireSession(ex);
  const [, ref, sub, leaf] = ex.segments;
  if (ref === 'folder' && leaf === 'file' && ex.segments.length === 4 && sub !== undefined) {
    return handleFile(ex, session, sub);
  }
  if (ref !== undefined && sub === 'scheduleForms' && ex.segments.length <= 4) {
    return handleScheduleForms(ex, session, findObject(ex, ref), leaf);
  }
  if (ex.method === 'DELETE' && ref !== undefined && sub === undefined) {
    findObject(ex, ref);
    throw new WireError(405, 'RWS 00005', 'Objects cannot be deleted through /infostore.');
  }
  if (ex.method !== 'GET' || ex.segments.length > 3 || (sub !== undefined && sub !== 'children')) {
    throw new WireError(404, 'RWS 00005', `No such platform resource: ${ex.path}.`);
  }

  const index = infoIndex(ex.state.catalog);
  if (ref === undefined) {
    const top = index.objects.filter((o) => o.id === ROOT_FOLDER.id);
    sendObjects(ex, 'InfoStore', top, `${ex.baseUrl}/infostore`);
    return;
  }

  const object = findObject(ex, ref);
  if (sub === 'children') {
    const type = ex.query.get('type')?.toLowerCase();
    // A document's children are its instances (bi4-instances.md Q10: the emulator's choice).
    const instances = ex.state.instances.ofParent(object.id).map(instanceObject);
    const children = [...(index.children.get(object.id) ?? []), ...instances].filter(
      (o) => !type || o.type.toLowerCase() === type,
    );
    sendObjects(ex, object.name, children, `${ex.baseUrl}/infostore/${object.id}/children`);
    return;
  }

  if (ex.format === 'json') sendJson(ex, 200, objectJson(ex, object));
  else {
    const entry = atomEntry(
      object.name,
      `${ex.baseUrl}/infostore/${object.id}`,
      objectAttrs(object),
    );
    sendXml(
      ex,
      200,
      `<?xml version="1.0" encoding="UTF-8"?>\n${entry.replace('<entry>', '<entry xmlns="http://www.w3.org/2005/Atom">')}`,
    );
  }
}

function queryText(body: unknown): string | undefined {
  const direct = textOf(field(body, 'query'));
  if (direct !== undefined) return direct;
  const attrs = field(field(body, 'attrs'), 'attr');
  const list = Array.isArray(attrs) ? attrs : [attrs];
  return textOf(list.find((a) => field(a, '@name') === 'query'));
}

/** `POST /v1/cmsquery`: the query in JSON `{query}` or XML `attrs`, paged by `page`/`pagesize`. */
export async function handleCmsQuery(ex: Exchange): Promise<void> {
  requireSession(ex);
  if (ex.method !== 'POST')
    throw new WireError(404, 'RWS 00005', `No such platform resource: ${ex.path}.`);

  const body = parseBody(await readText(ex.req), ex.req.headers['content-type']);
  const text = queryText(body);
  if (text === undefined || text.trim() === '') {
    throw new WireError(400, 'WSR 00101', 'The request has no query.');
  }

  const index = infoIndex(ex.state.catalog);
  const instances = ex.state.instances.all().map((r) => ({
    props: instanceProps(r),
    ancestors: index.ancestors.get(r.parent.id) ?? [],
  }));
  const found = runCmsQuery(parseCmsQuery(text), [...index.cms, ...instances]);
  const rows = found.map((row) => wireRow(row, ex.state.cmsDateFormat));
  const base = `${ex.baseUrl}/v1/cmsquery`;
  const { page, links } = paged(
    ex,
    rows,
    (p, s) => `${base}?page=${p}&pagesize=${s}`,
    DEFAULT_PAGE_SIZE,
  );
  if (ex.format === 'json') {
    sendJson(ex, 200, { entries: page, ...deferredLinks(links) });
    return;
  }
  const entries = page.map((row) =>
    atomEntry(
      String(row.SI_NAME ?? row.SI_ID ?? ''),
      `${ex.baseUrl}/infostore/${String(row.SI_ID ?? '')}`,
      row,
    ),
  );
  sendXml(ex, 200, atomFeed('CMS query', links, entries));
}
