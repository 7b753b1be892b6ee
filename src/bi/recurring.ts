/**
 * The recurring schedules on the platform (bi4-instances.md §1.1, §4.3): each is a runnable
 * template instance, `SI_RECURRING=1` and status 9 (pending) forever. Web Intelligence templates
 * are read in full through Raylight's schedule details (recurrence, format, prompt answers);
 * other kinds are listed with what could not be read.
 */
import type { DocumentInfo } from '../core/index.js';
import { raylight } from './documents.js';
import { documentsInFolder, infoObject, type FolderPaths } from './infostore.js';
import { ScheduleStatus } from './instance-status.js';
import { queryInstances } from './instances.js';
import { findRecurrence, recurrenceToCron, type Translation } from './recurrence.js';
import { callJson, type Scope } from './scope.js';
import { asArray, asObject, pick, text } from './wire.js';

export interface RecurringSchedule {
  /** The template's SI_ID. */
  id: number;
  name: string;
  document: DocumentInfo;
  kind: string;
  /** The Raylight recurrence element's name (`daily`, `weekly`, …), when known. */
  recurrence?: string;
  /** The cron for it, or why there is none. */
  translation: Translation;
  /** Raylight format type (`pdf`, `xls`, `csv`, `webi`), when known. */
  format?: string;
  prompts: Record<string, string[]>;
}

/** Every recurring schedule, of the documents under `folder` when given. */
export async function listRecurring(
  scope: Scope,
  folders: FolderPaths,
  folder?: string,
): Promise<RecurringSchedule[]> {
  const templates = await queryInstances(
    scope,
    `SELECT SI_ID, SI_CUID, SI_NAME, SI_KIND, SI_PARENTID, SI_INSTANCE, SI_SCHEDULE_STATUS, SI_RECURRING FROM CI_INFOOBJECTS WHERE SI_RECURRING=1 AND SI_INSTANCE=1 AND SI_SCHEDULE_STATUS=${ScheduleStatus.pending}`,
  );
  const wanted =
    folder === undefined
      ? undefined
      : new Map((await documentsInFolder(scope, folder, true)).map((d) => [d.id, d]));

  const out: RecurringSchedule[] = [];
  for (const template of templates) {
    if (template.parentId === undefined) continue;
    if (wanted && !wanted.has(template.parentId)) continue;
    const parent = await infoObject(scope, template.parentId).catch(() => undefined);
    if (!parent) continue;
    const document: DocumentInfo = wanted?.get(parent.id) ?? {
      id: parent.id,
      cuid: parent.cuid,
      name: parent.name,
      ...(await folders
        .of(scope, parent)
        .then((f) => (f === undefined ? {} : { folder: f || '/' }))),
    };
    const base = { id: template.id, name: template.name, document, kind: parent.type };
    if (parent.type && !/^webi$/i.test(parent.type)) {
      out.push({
        ...base,
        prompts: {},
        translation: { problem: `its recurrence cannot be read over REST for a ${parent.type}` },
      });
      continue;
    }
    out.push({ ...base, ...(await raylightDetails(scope, parent.id, template.id)) });
  }
  return out;
}

async function raylightDetails(
  scope: Scope,
  documentId: number,
  scheduleId: number,
): Promise<Omit<RecurringSchedule, 'id' | 'name' | 'document' | 'kind'>> {
  let schedule;
  try {
    const json = await callJson(scope, {
      method: 'GET',
      path: `${raylight}/documents/${documentId}/schedules/${scheduleId}`,
    });
    schedule = asObject(json.schedule);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { prompts: {}, translation: { problem: `its details could not be read (${why})` } };
  }

  const recurrence = findRecurrence(schedule);
  const format = text(pick(asObject(schedule.format), '@type', 'type')) ?? text(schedule.format);
  const prompts: Record<string, string[]> = {};
  for (const entry of asArray(asObject(schedule.parameters).parameter).map(asObject)) {
    const name = text(entry.name) ?? text(entry.technicalName);
    const values = asArray(asObject(asObject(entry.answer).values).value)
      .map(text)
      .filter((v): v is string => v !== undefined);
    if (name !== undefined && values.length > 0) prompts[name] = values;
  }
  return {
    prompts,
    ...(format && { format }),
    ...(recurrence && { recurrence: recurrence.kind }),
    translation: recurrence
      ? recurrenceToCron(recurrence.kind, recurrence.body)
      : { problem: 'its details name no recurrence' },
  };
}
