/**
 * A document reference (id, CUID or folder path) made concrete and checked to be a Web
 * Intelligence document (bi4-rest.md §6.3, §6.4).
 */
import { BiError, type DocumentInfo, type DocumentRef } from '../core/index.js';
import { BiErrorCode } from './codes.js';
import {
  documentNotFound,
  documentsByQuery,
  infoObject,
  objectByPath,
  pathSegments,
  toDocumentInfo,
  type FolderPaths,
  type InfoObject,
} from './infostore.js';
import type { Scope } from './scope.js';

/** Resolves `ref` through the infostore, with a CMS query as the fallback for ids and CUIDs. */
export async function resolveDocumentRef(
  scope: Scope,
  ref: DocumentRef,
  folders: FolderPaths,
): Promise<DocumentInfo> {
  if (ref.kind === 'path') {
    const object = await objectByPath(scope, ref.path);
    const folder = `/${pathSegments(ref.path).slice(0, -1).join('/')}`;
    return toDocumentInfo(object, folder);
  }

  const what = ref.kind === 'id' ? `id ${ref.id}` : `CUID ${ref.cuid}`;
  let object: InfoObject | undefined;
  try {
    object = await infoObject(scope, ref.kind === 'id' ? ref.id : { cuid: ref.cuid });
  } catch (error) {
    if (!(error instanceof BiError) || error.code !== BiErrorCode.documentNotFound) throw error;
    object = await lookUpByQuery(scope, ref);
    if (!object) throw error;
  }
  if (object.type && !/^webi$/i.test(object.type)) {
    throw documentNotFound(
      `The object with ${what} is a ${object.type}, not a Web Intelligence document`,
    );
  }
  return toDocumentInfo(object, await folders.of(scope, object));
}

/** The CMS query fallback for servers whose infostore does not answer by id or CUID (§6.3). */
async function lookUpByQuery(scope: Scope, ref: DocumentRef): Promise<InfoObject | undefined> {
  let where: string;
  if (ref.kind === 'id') where = `SI_ID=${ref.id}`;
  // CUIDs are letters, digits, '_', '.', '-': anything else cannot match and must not be quoted in.
  else if (ref.kind === 'cuid' && /^[\w.-]+$/.test(ref.cuid)) where = `SI_CUID='${ref.cuid}'`;
  else return undefined;

  const query = `SELECT SI_ID, SI_CUID, SI_NAME, SI_KIND, SI_PARENT_FOLDER, SI_UPDATE_TS FROM CI_INFOOBJECTS WHERE ${where} AND SI_INSTANCE=0`;
  try {
    return (await documentsByQuery(scope, query))[0];
  } catch (error) {
    if (error instanceof BiError && error.code === BiErrorCode.notFound) return undefined;
    throw error;
  }
}
