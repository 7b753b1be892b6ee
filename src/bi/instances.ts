/**
 * Finding instances with CMS queries (bi4-instances.md §1.2): by parent (SI_PARENTID, never
 * SI_KIND, since an instance carries its output format's kind), by status, newest first.
 */
import { ScheduleStatus, readInstance, type Instance } from './instance-status.js';
import { platformEntries } from './paging.js';
import type { Scope } from './scope.js';

const instanceFields =
  'SI_ID, SI_CUID, SI_NAME, SI_KIND, SI_PARENTID, SI_OWNER, SI_INSTANCE, SI_SCHEDULE_STATUS, SI_STARTTIME, SI_ENDTIME, SI_CREATION_TIME, SI_UPDATE_TS, SI_FILES, SI_STATUSINFO, SI_SCHEDULEINFO';

/**
 * A few rows, not TOP 1: whether REST honours ORDER BY is unknown (Q4), so the client sorts too,
 * and a short list survives a server that ignores the order.
 */
const candidates = 20;

/** Runs a CMS query and reads every row that has an SI_ID. */
export async function queryInstances(scope: Scope, query: string): Promise<Instance[]> {
  const out: Instance[] = [];
  for await (const row of platformEntries(scope, {
    method: 'POST',
    path: '/v1/cmsquery',
    json: { query },
  })) {
    const instance = readInstance(row);
    if (instance) out.push(instance);
  }
  return out;
}

/** Newest first: by end time when every row's could be read, else by SI_ID (assigned increasingly). */
export function newestFirst(instances: Instance[]): Instance[] {
  const byId = (a: Instance, b: Instance): number => b.id - a.id;
  if (instances.every((i) => i.endedAt !== undefined)) {
    return [...instances].sort((a, b) => b.endedAt!.getTime() - a.endedAt!.getTime() || byId(a, b));
  }
  return [...instances].sort(byId);
}

/** The newest successful instance of an object, or undefined. */
export async function latestSuccessful(
  scope: Scope,
  parentId: number,
): Promise<Instance | undefined> {
  const rows = await queryInstances(
    scope,
    `SELECT TOP ${candidates} ${instanceFields} FROM CI_INFOOBJECTS WHERE SI_PARENTID=${parentId} AND SI_INSTANCE=1 AND SI_SCHEDULE_STATUS=${ScheduleStatus.success} ORDER BY SI_ENDTIME DESC`,
  );
  // The filter again on this side: a server that ignored part of the WHERE must not hand over a
  // failed run or a recurring template.
  const ok = rows.filter(
    (r) =>
      r.status === ScheduleStatus.success &&
      r.isInstance !== false &&
      (r.parentId === undefined || r.parentId === parentId),
  );
  return newestFirst(ok)[0];
}

/** The newest failed (or expired) run of an object, to explain why there is nothing to deliver. */
export async function latestFailure(scope: Scope, parentId: number): Promise<Instance | undefined> {
  const failed = [ScheduleStatus.failed, ScheduleStatus.expired];
  const rows = await queryInstances(
    scope,
    `SELECT TOP ${candidates} ${instanceFields} FROM CI_INFOOBJECTS WHERE SI_PARENTID=${parentId} AND SI_INSTANCE=1 AND SI_SCHEDULE_STATUS IN (${failed.join(',')}) ORDER BY SI_ENDTIME DESC`,
  );
  return newestFirst(
    rows.filter((r) => r.status !== undefined && (failed as readonly number[]).includes(r.status)),
  )[0];
}

/** One object by SI_ID, with its status and files; undefined when the CMS has no such object. */
export async function instanceById(scope: Scope, id: number): Promise<Instance | undefined> {
  const rows = await queryInstances(
    scope,
    `SELECT ${instanceFields} FROM CI_INFOOBJECTS WHERE SI_ID=${id}`,
  );
  return rows.find((r) => r.id === id);
}

/** The highest SI_ID among an object's instances (0 when none), to spot a new one later. */
export async function highestInstanceId(scope: Scope, parentId: number): Promise<number> {
  const rows = await queryInstances(
    scope,
    `SELECT TOP 1 SI_ID, SI_PARENTID FROM CI_INFOOBJECTS WHERE SI_PARENTID=${parentId} AND SI_INSTANCE=1 ORDER BY SI_ID DESC`,
  );
  return Math.max(0, ...rows.map((r) => r.id));
}

/** Instances of an object created after `afterId`, newest first (for a run whose id was not sent). */
export async function instancesAfter(
  scope: Scope,
  parentId: number,
  afterId: number,
): Promise<Instance[]> {
  const rows = await queryInstances(
    scope,
    `SELECT ${instanceFields} FROM CI_INFOOBJECTS WHERE SI_PARENTID=${parentId} AND SI_INSTANCE=1 AND SI_ID>${afterId} ORDER BY SI_ID DESC`,
  );
  return rows.filter((r) => r.id > afterId).sort((a, b) => b.id - a.id);
}
