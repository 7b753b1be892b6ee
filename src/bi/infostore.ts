/**
 * Finding documents on the platform side (bi4-rest.md §6): infostore objects by id or CUID, a
 * folder path walked from `Root Folder`, folder paths rebuilt through `up` links, CMS queries.
 */
import type { DocumentInfo } from '../core/index.js';
import { biError, BiErrorCode } from './codes.js';
import { BiError } from '../core/index.js';
import { platformEntries } from './paging.js';
import { callJson, type Scope } from './scope.js';
import { asObject, pick, text, toId, type Json } from './wire.js';

/** The top of the public folder tree, by name; id 23 on every CMS seen (§6.1). */
const rootName = 'Root Folder';
const rootId = 23;

/** A folder path as segments; `/` and empty segments removed. */
export function pathSegments(path: string): string[] {
  return path
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** An infostore entry (flat JSON) read into the fields a distributor needs. */
export interface InfoObject {
  id: number;
  cuid: string;
  name: string;
  type: string;
  updated?: string;
  /** The parent's infostore URI (`up.__deferred.uri`). */
  up?: string;
  /** The parent folder's id, from a CMS query row. */
  parentId?: number;
}

/** Reads a flat infostore object or a CMS query row; undefined when it has no id. */
export function readInfoObject(entry: Json): InfoObject | undefined {
  const id = toId(pick(entry, 'id', 'SI_ID'));
  if (id === undefined) return undefined;
  const updated = text(pick(entry, 'updated', 'SI_UPDATE_TS'));
  const up = text(asObject(asObject(entry.up).__deferred).uri);
  const parentId = toId(pick(entry, 'parentId', 'parentid', 'SI_PARENT_FOLDER', 'SI_PARENTID'));
  return {
    id,
    cuid: text(pick(entry, 'cuid', 'SI_CUID')) ?? '',
    name: text(pick(entry, 'name', 'title', 'SI_NAME')) ?? '',
    type: text(pick(entry, 'type', 'SI_KIND')) ?? '',
    ...(updated && { updated }),
    ...(up && { up }),
    ...(parentId !== undefined && { parentId }),
  };
}

const isWebi = (object: InfoObject): boolean => object.type === '' || /^webi$/i.test(object.type);
const isFolder = (object: InfoObject): boolean => /folder$/i.test(object.type);

/** The children of a folder (by id or by a named root), every page. */
export async function* folderChildren(scope: Scope, folder: number | string) {
  const key = typeof folder === 'number' ? String(folder) : encodeURIComponent(folder);
  for await (const entry of platformEntries(scope, {
    method: 'GET',
    path: `/infostore/${key}/children`,
  })) {
    const object = readInfoObject(entry);
    if (object) yield object;
  }
}

/** One infostore object by id or CUID; BI_DOCUMENT_NOT_FOUND when the platform has none. */
export async function infoObject(
  scope: Scope,
  key: number | { cuid: string },
): Promise<InfoObject> {
  const path =
    typeof key === 'number'
      ? `/infostore/${key}`
      : `/infostore/cuid_${encodeURIComponent(key.cuid)}`;
  const what = typeof key === 'number' ? `id ${key}` : `CUID ${key.cuid}`;
  let json: Json;
  try {
    json = await callJson(scope, { method: 'GET', path });
  } catch (error) {
    throw notFoundAs(error, () => documentNotFound(`No document with ${what}`));
  }
  const entries = json.entries;
  const object = readInfoObject(entries === undefined ? json : asObject([entries].flat()[0]));
  if (!object) throw documentNotFound(`No document with ${what}`);
  return object;
}

/** A document by its folder path, e.g. `/Sales/Daily/Revenue`. */
export async function objectByPath(
  scope: Scope,
  path: string,
  anyKind = false,
): Promise<InfoObject> {
  const segments = pathSegments(path);
  const name = segments.pop();
  if (!name) throw documentNotFound(`"${path}" names no document`);

  const folder = await folderByPath(scope, segments);
  for await (const child of folderChildren(scope, folder.key)) {
    if (child.name === name && (anyKind ? !isFolder(child) : isWebi(child))) return child;
  }
  const what = anyKind ? 'object' : 'Web Intelligence document';
  throw documentNotFound(`No ${what} "${name}" in /${segments.join('/')}`);
}

/** Walks folder names from the root; `key` is what `folderChildren` takes. */
export async function folderByPath(
  scope: Scope,
  segments: string[],
): Promise<{ key: number | string; id?: number }> {
  let key: number | string = await rootKey(scope);
  let id: number | undefined;
  for (const [index, segment] of segments.entries()) {
    let found: InfoObject | undefined;
    for await (const child of folderChildren(scope, key)) {
      if (child.name === segment && isFolder(child)) {
        found = child;
        break;
      }
    }
    if (!found) {
      throw biError(
        BiErrorCode.folderNotFound,
        `No folder "${segment}" in /${segments.slice(0, index).join('/')}`,
        { hint: 'Folder names are case-sensitive; list them with `bidrop docs --folder /`.' },
      );
    }
    key = found.id;
    id = found.id;
  }
  return id === undefined ? { key } : { key, id };
}

/** The root folder's key: its name where the server knows it, its usual id otherwise. */
async function rootKey(scope: Scope): Promise<number | string> {
  try {
    await callJson(scope, { method: 'GET', path: `/infostore/${encodeURIComponent(rootName)}` });
    return rootName;
  } catch (error) {
    if (error instanceof BiError && error.code === BiErrorCode.notFound) return rootId;
    throw error;
  }
}

/** Every Web Intelligence document in a folder, and in its sub-folders when `recursive`. */
export async function documentsInFolder(
  scope: Scope,
  path: string,
  recursive: boolean,
): Promise<DocumentInfo[]> {
  const segments = pathSegments(path);
  const start = await folderByPath(scope, segments);
  const out: DocumentInfo[] = [];

  const visit = async (key: number | string, folder: string[]): Promise<void> => {
    const subfolders: InfoObject[] = [];
    for await (const child of folderChildren(scope, key)) {
      if (isFolder(child)) subfolders.push(child);
      else if (/^webi$/i.test(child.type)) out.push(toDocumentInfo(child, `/${folder.join('/')}`));
    }
    if (!recursive) return;
    for (const sub of subfolders) await visit(sub.id, [...folder, sub.name]);
  };
  await visit(start.key, segments);
  return out;
}

/** Runs a CMS query (every page) and keeps the rows that are Web Intelligence documents. */
export async function documentsByQuery(scope: Scope, query: string): Promise<InfoObject[]> {
  return (await objectsByQuery(scope, query)).filter(isWebi);
}

/** Runs a CMS query (every page) and reads every row that has an id, of any kind. */
export async function objectsByQuery(scope: Scope, query: string): Promise<InfoObject[]> {
  const out: InfoObject[] = [];
  for await (const entry of platformEntries(scope, {
    method: 'POST',
    path: '/v1/cmsquery',
    json: { query },
  })) {
    const object = readInfoObject(entry);
    if (object) out.push(object);
  }
  return out;
}

/** Folder paths rebuilt from `up` links, cached per folder for the life of a source. */
export class FolderPaths {
  private readonly cache = new Map<string, Promise<string | undefined>>();

  /** The folder path of an object, e.g. `/Sales/Daily`; undefined when it cannot be known. */
  of(scope: Scope, object: InfoObject): Promise<string | undefined> {
    const target = object.up ? scope.http.relative(object.up)?.path : undefined;
    if (target) return this.byPath(scope, target, 0);
    if (object.parentId !== undefined)
      return this.byPath(scope, `/infostore/${object.parentId}`, 0);
    return Promise.resolve(undefined);
  }

  /** The folder path of a folder id. */
  ofFolder(scope: Scope, folderId: number): Promise<string | undefined> {
    return this.byPath(scope, `/infostore/${folderId}`, 0);
  }

  private byPath(scope: Scope, path: string, depth: number): Promise<string | undefined> {
    const cached = this.cache.get(path);
    if (cached) return cached;
    const result = this.resolve(scope, path, depth).catch(() => undefined);
    this.cache.set(path, result);
    return result;
  }

  private async resolve(scope: Scope, path: string, depth: number): Promise<string | undefined> {
    if (depth > 32) return undefined;
    const json = await callJson(scope, { method: 'GET', path });
    const folder = readInfoObject(json);
    if (!folder) return undefined;
    if (folder.id === rootId || folder.name === rootName) return '';
    const parent = folder.up ? scope.http.relative(folder.up)?.path : undefined;
    if (!parent) return `/${folder.name}`;
    const above = await this.byPath(scope, parent, depth + 1);
    return above === undefined ? undefined : `${above}/${folder.name}`;
  }
}

export function toDocumentInfo(object: InfoObject, folder?: string): DocumentInfo {
  return {
    id: object.id,
    cuid: object.cuid,
    name: object.name,
    ...(folder !== undefined && { folder: folder || '/' }),
    ...(object.updated && { updated: object.updated }),
  };
}

export function documentNotFound(message: string): BiError {
  return biError(BiErrorCode.documentNotFound, message, {
    hint: 'Check the id, CUID or path with `bidrop docs`; paths start at the public root folder.',
  });
}

/** Replaces a BI_NOT_FOUND from the server with a more precise error, keeping its details. */
export function notFoundAs(error: unknown, make: () => BiError): unknown {
  if (!(error instanceof BiError) || error.code !== BiErrorCode.notFound) return error;
  const precise = make();
  return new BiError(precise.code, precise.message, {
    ...(error.method && { method: error.method }),
    ...(error.endpoint && { endpoint: error.endpoint }),
    ...(error.status !== undefined && { status: error.status }),
    ...(error.remoteCode && { remoteCode: error.remoteCode }),
    ...(precise.hint && { hint: precise.hint }),
    cause: error,
  });
}
