/**
 * Raylight schedules of a Web Intelligence document (bi4-instances.md 4): create (now, once or
 * recurring), list, details with the `@id`/`$` status and the `error` of a failed run, delete.
 * A schedule id is the SI_ID of its instance (4.3).
 */
import { success } from './documents.js';
import { sendWire, type Exchange } from './exchange.js';
import type { DocumentDef } from './fixtures.js';
import type { OutputFormat } from './instance-files.js';
import { STATUS_NAMES, type InstanceRecord, type Recurrence } from './instances.js';
import { readAnswers } from './prompts.js';
import { requireRight } from './rights.js';
import type { Session } from './sessions.js';
import { field, many, parseBody, readText, textOf, WireError, type Wire } from './wire.js';

const FORMATS: OutputFormat[] = ['webi', 'pdf', 'xls', 'csv'];

/** Recurrence elements and their SI_SCHEDULE_TYPE (CE constants; 4.1 lists the names). */
const RECURRENCES: Record<string, number> = {
  once: 0,
  hourly: 1,
  daily: 2,
  weekly: 3,
  monthly: 4,
  nthDayOfMonth: 5,
  firstMondayOfMonth: 6,
  lastDayOfMonth: 7,
  xDayOfNthWeekOfTheMonth: 8,
  calendar: 9,
};

function scheduleNotFound(ref: string): WireError {
  return new WireError(
    404,
    'WSR 00400',
    `The resource of type "schedule" with identifier "${ref}" does not exist.`,
  );
}

function formatOf(schedule: unknown): OutputFormat {
  const format = field(schedule, 'format');
  // No format: Web Intelligence, the document's own format (bi4-instances.md 4.1).
  const type = format === undefined ? 'webi' : (textOf(field(format, '@type')) ?? '');
  const found = FORMATS.find((f) => f === type);
  if (!found) {
    throw new WireError(
      400,
      'WSR 00101',
      `The format "${type}" is not valid; use one of ${FORMATS.join(', ')}.`,
    );
  }
  return found;
}

function recurrenceOf(schedule: unknown): Recurrence | undefined {
  const present = Object.keys(RECURRENCES).filter((k) => field(schedule, k) !== undefined);
  if (present.length > 1) {
    throw new WireError(
      400,
      'WSR 00101',
      `A schedule takes one recurrence, not ${present.join(' and ')}.`,
    );
  }
  const element = present[0];
  if (element === undefined) return undefined;
  const value = field(schedule, element);
  const body = value && typeof value === 'object' ? (value as Record<string, Wire>) : {};
  return { element, body, cmsType: RECURRENCES[element] ?? 0 };
}

function answersOf(doc: DocumentDef, schedule: unknown): Map<number, string[]> {
  const open = {
    state: 'Original' as const,
    answers: new Map<number, string[]>(),
    refreshed: false,
  };
  const answers = readAnswers(doc, open, schedule);
  const missing = doc.prompts.find((p) => !p.optional && (answers.get(p.id) ?? []).length === 0);
  if (missing) {
    throw new WireError(400, 'WSR 00100', `The mandatory prompt "${missing.name}" has no answer.`);
  }
  return answers;
}

/** `POST /documents/{id}/schedules`: validates, creates the instance, answers its id. */
async function createSchedule(ex: Exchange, session: Session, doc: DocumentDef): Promise<void> {
  requireRight(ex, session, 'schedule');
  const body = parseBody(await readText(ex.req), ex.req.headers['content-type']);
  const schedule = field(body, 'schedule');
  if (schedule === undefined || schedule === null || typeof schedule !== 'object') {
    throw new WireError(400, 'WSR 00102', 'The request body needs a "schedule" element.');
  }
  const format = formatOf(schedule);
  const recurrence = recurrenceOf(schedule);
  const answers = answersOf(doc, schedule);
  const keepText = textOf(field(field(schedule, 'destination'), '@keepInstanceInHistory'));
  const name = textOf(field(schedule, 'name'))?.trim();

  const instance = ex.state.instances.create({
    parent: doc,
    name: name === undefined || name === '' ? doc.name : name,
    owner: session.user,
    format,
    answers,
    recurrence,
    keep: keepText !== 'false',
  });
  sendWire(
    ex,
    200,
    success(
      `The resource of type "schedule" with identifier "${instance.id}" has been successfully created.`,
      instance.id,
    ),
  );
}

function statusWire(r: InstanceRecord): Record<string, Wire> {
  return { '@id': String(r.status), $: STATUS_NAMES[r.status] };
}

function parametersWire(r: InstanceRecord): Wire {
  const list = r.parent.prompts
    .filter((p) => r.answers.has(p.id))
    .map((p) => ({
      '@dpId': 'DP0',
      '@type': 'prompt',
      '@optional': String(p.optional),
      id: p.id,
      technicalName: p.name,
      name: p.name,
      answer: { values: { value: many(r.answers.get(p.id) ?? []) } },
    }));
  return list.length === 0 ? undefined : { parameter: many(list) };
}

function detailsWire(r: InstanceRecord): Record<string, Wire> {
  // A run without recurrence is stored as `once` (the G6 example of a finished "now" schedule).
  const recurrence = r.recurrence ?? {
    element: 'once',
    body: {
      '@retriesAllowed': '0',
      '@retryIntervalInSeconds': '1800',
      startdate: r.created.toISOString(),
      enddate: new Date(r.created.getTime() + 60_000).toISOString(),
    },
  };
  return {
    id: r.id,
    name: r.name,
    format: { '@type': r.format },
    status: statusWire(r),
    [recurrence.element]: recurrence.body,
    parameters: parametersWire(r),
    error: r.error ? { error_code: r.error.code, message: r.error.message } : undefined,
    updated: r.updated.toISOString().replace('Z', '+00:00'),
  };
}

/** Routes `/documents/{id}/schedules[/{sid}]`. */
export async function handleSchedules(
  ex: Exchange,
  session: Session,
  doc: DocumentDef,
  ref: string | undefined,
): Promise<void> {
  if (ref === undefined) {
    if (ex.method === 'POST') return createSchedule(ex, session, doc);
    if (ex.method !== 'GET') throw scheduleNotFound('');
    const items = ex.state.instances.ofParent(doc.id).map((r) => ({
      id: r.id,
      name: r.name,
      format: { '@type': r.format },
      status: statusWire(r),
    }));
    sendWire(ex, 200, { schedules: { schedule: many(items) } });
    return;
  }

  const id = /^\d+$/.test(ref) ? Number(ref) : -1;
  const instance = ex.state.instances.get(id);
  if (!instance || instance.parent.id !== doc.id) throw scheduleNotFound(ref);
  if (ex.method === 'GET') {
    sendWire(ex, 200, { schedule: detailsWire(instance) });
    return;
  }
  if (ex.method !== 'DELETE') throw scheduleNotFound(ref);
  requireRight(ex, session, 'schedule');
  ex.state.instances.remove(id);
  sendWire(
    ex,
    200,
    success(
      `The resource of type "schedule" with identifier "${id}" has been successfully deleted.`,
      id,
    ),
  );
}
