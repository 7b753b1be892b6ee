/**
 * The CMS properties of instances and uploaded files (bi4-instances.md 1.3, 8.1): upper-case
 * names, numbers as numbers, dates as dates (formatted on the way out), `SI_FILES` and
 * `SI_SCHEDULEINFO` as bags, the failure text in `SI_STATUSINFO` (Q7: the emulator's choice).
 */
import type { CmsBag, CmsProp } from './cms-query.js';
import type { DocumentDef } from './fixtures.js';
import { KIND_OF_FORMAT, uploadedFile, type StoredFile } from './instance-files.js';
import type { InstanceRecord } from './instances.js';

// Retries as in the "now" template (bi4-instances.md 3.2).
const RETRIES_ALLOWED = 0;
const RETRY_INTERVAL_SECONDS = 1800;

/** `SI_FILES`: `SI_NUM_FILES`, `SI_FILE<n>`, `SI_VALUE<n>` (bytes) and the FRS directory. */
export function filesBag(file: StoredFile): CmsBag {
  return { SI_NUM_FILES: 1, SI_FILE1: file.fileName, SI_VALUE1: file.size, SI_PATH: file.path };
}

const uploads = new WeakMap<DocumentDef, StoredFile>();

/** The file of an uploaded PDF or Excel object, made once per object. */
export function uploadOf(doc: DocumentDef): StoredFile | undefined {
  if (doc.kind !== 'Pdf' && doc.kind !== 'Excel') return undefined;
  let file = uploads.get(doc);
  if (!file) {
    file = uploadedFile(doc);
    uploads.set(doc, file);
  }
  return file;
}

function scheduleInfo(r: InstanceRecord): CmsBag {
  const info: CmsBag = {
    SI_SCHEDULE_TYPE: r.recurrence?.cmsType ?? 0,
    SI_RETRIES_ALLOWED: RETRIES_ALLOWED,
    SI_RETRY_INTERVAL: RETRY_INTERVAL_SECONDS,
    SI_SUBMITTER: r.owner,
  };
  if (r.started) info.SI_STARTTIME = r.started;
  if (r.ended) info.SI_ENDTIME = r.ended;
  if (r.nextRun) info.SI_NEXTRUNTIME = r.nextRun;
  if (r.error) info.SI_ERROR_MESSAGE = r.error.message;
  return info;
}

/** Every property of an instance. */
export function instanceProps(r: InstanceRecord): Record<string, CmsProp> {
  const kind = KIND_OF_FORMAT[r.format];
  const props: Record<string, CmsProp> = {
    SI_ID: r.id,
    SI_CUID: r.cuid,
    SI_NAME: r.name,
    SI_KIND: kind,
    SI_PROGID: `CrystalEnterprise.${kind}`,
    SI_PARENTID: r.parent.id,
    SI_PARENT_CUID: r.parent.cuid,
    SI_PARENT_FOLDER: r.parent.folderId,
    SI_INSTANCE: true,
    SI_RECURRING: r.recurring,
    SI_DESCRIPTION: '',
    SI_OWNER: r.owner,
    SI_SCHEDULE_STATUS: r.status,
    SI_CREATION_TIME: r.created,
    SI_UPDATE_TS: r.updated,
    SI_SCHEDULEINFO: scheduleInfo(r),
  };
  if (r.started) props.SI_STARTTIME = r.started;
  if (r.ended) props.SI_ENDTIME = r.ended;
  if (r.nextRun) props.SI_NEXTRUNTIME = r.nextRun;
  if (r.error) props.SI_STATUSINFO = r.error.message;
  if (r.file) props.SI_FILES = filesBag(r.file);
  return props;
}
