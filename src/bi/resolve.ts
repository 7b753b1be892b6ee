/**
 * A document reference (id, CUID or folder path) made concrete and checked to be a Web
 * Intelligence document (bi4-rest.md §6.3, §6.4).
 */
import { BiError, type DocumentInfo, type DocumentRef } from '../core/index.js';
import { BiErrorCode } from './codes.js';
import {
  documentNotFound,
  documentsByQuery,
  objectsByQuery,
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
  return (await resolveObjectRef(scope, ref, folders, false)).info;
}

/**
 * Resolves `ref` to a repository object with its kind (SI_KIND). With `anyKind`, Crystal reports,
 * uploaded files and every other kind are accepted (bi4-instances.md §1.1); without, only Web
 * Intelligence documents.
 */
export async function resolveObjectRef(
  scope: Scope,
  ref: DocumentRef,
  folders: FolderPaths,
  anyKind: boolean,
): Promise<{ info: DocumentInfo; kind: string }> {
  if (ref.kind === 'path') {
    const object = await objectByPath(scope, ref.path, anyKind);
    const folder = `/${pathSegments(ref.path).slice(0, -1).join('/')}`;
    return { info: toDocumentInfo(object, folder), kind: object.type || 'Webi' };
  }

  const what = ref.kind === 'id' ? `id ${ref.id}` : `CUID ${ref.cuid}`;
  let object: InfoObject | undefined;
  try {
    object = await infoObject(scope, ref.kind === 'id' ? ref.id : { cuid: ref.cuid });
  } catch (error) {
    if (!(error instanceof BiError) || error.code !== BiErrorCode.documentNotFound) throw error;
    object = await lookUpByQuery(scope, ref, anyKind);
    if (!object) throw error;
  }
  if (!anyKind && object.type && !/^webi$/i.test(object.type)) {
    throw documentNotFound(
      `The object with ${what} is a ${object.type}, not a Web Intelligence document`,
    );
  }
  return {
    info: toDocumentInfo(object, await folders.of(scope, object)),
    kind: object.type || 'Webi',
  };
}

/** The CMS query fallback for servers whose infostore does not answer by id or CUID (§6.3). */
async function lookUpByQuery(
  scope: Scope,
  ref: DocumentRef,
  anyKind: boolean,
): Promise<InfoObject | undefined> {
  let where: string;
  if (ref.kind === 'id') where = `SI_ID=${ref.id}`;
  // CUIDs are letters, digits, '_', '.', '-': anything else cannot match and must not be quoted in.
  else if (ref.kind === 'cuid' && /^[\w.-]+$/.test(ref.cuid)) where = `SI_CUID='${ref.cuid}'`;
  else return undefined;

  const query = `SELECT SI_ID, SI_CUID, SI_NAME, SI_KIND, SI_PARENT_FOLDER, SI_UPDATE_TS FROM CI_INFOOBJECTS WHERE ${where} AND SI_INSTANCE=0`;
  try {
    return (await (anyKind ? objectsByQuery : documentsByQuery)(scope, query))[0];
  } catch (error) {
    if (error instanceof BiError && error.code === BiErrorCode.notFound) return undefined;
    throw error;
  }
}
