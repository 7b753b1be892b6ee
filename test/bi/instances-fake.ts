/**
 * Repository objects, instances and runs on top of fake-bi.ts, shaped after
 * bi4-instances.md (§1.2 CMS queries, §2.1 file download, §3 platform forms, §4 Raylight
 * schedules). Only the WHERE forms the client sends are understood.
 */
import type { ServerResponse } from 'node:http';

import { sendJson, type FakeBi, type FakeRequest } from './fake-bi.js';

export interface FakeObject {
  SI_ID: number;
  SI_CUID?: string;
  SI_NAME: string;
  SI_KIND: string;
  SI_PARENTID?: number;
  SI_INSTANCE: 0 | 1;
  SI_SCHEDULE_STATUS?: number;
  SI_RECURRING?: 0 | 1;
  SI_ENDTIME?: string;
  SI_UPDATE_TS?: string;
  SI_STATUSINFO?: unknown;
  SI_FILES?: Record<string, unknown>;
  /** Not a CMS property: the file's bytes. */
  bytes?: Buffer;
}

export interface FakeRun {
  /** Statuses the run goes through, one per poll; the last one stays. */
  statuses: number[];
  failure?: string;
  /** A failure text only Raylight's schedule details carry, not the CMS row. */
  raylightError?: string;
  bytes?: Buffer;
  kind?: string;
}

export interface InstanceFake {
  objects: Map<number, FakeObject>;
  add(object: FakeObject): void;
  /** Bodies of POSTed schedules, by object id. */
  scheduled: Array<{ objectId: number; body: string; id: number }>;
  deleted: number[];
  queries: string[];
  /** What the next run of any object does. */
  nextRun: FakeRun;
  /** Send rows in SI_ID order, ignoring ORDER BY (§1.2: not known to be honoured). */
  ignoreOrder: boolean;
  /** How the platform "now" form reports the new id. */
  platformIdIn: 'location' | 'none';
  /** Raylight schedule details (§4.3) of recurring templates, by SI_ID. */
  details: Map<number, Record<string, unknown>>;
}

/** A date as the platform writes it by default (`dd.MM.yyyy HH:mm`, §1.3), this machine's time. */
export function biDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getDate())}.${two(date.getMonth() + 1)}.${date.getFullYear()} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

export function hoursAgo(hours: number): string {
  return biDate(new Date(Date.now() - hours * 3_600_000));
}

function matches(object: FakeObject, where: string): boolean {
  for (const clause of where.split(/\s+AND\s+/i)) {
    const c = clause.trim();
    let m = /^(SI_\w+)\s*(=|>)\s*'?([\w.-]+)'?$/i.exec(c);
    if (m) {
      const value = (object as unknown as Record<string, unknown>)[m[1]!.toUpperCase()];
      const wanted = m[3]!;
      if (m[2] === '>' ? !(Number(value) > Number(wanted)) : String(value) !== wanted) return false;
      continue;
    }
    m = /^(SI_\w+)\s+IN\s*\(([^)]*)\)$/i.exec(c);
    if (m) {
      const value = String((object as unknown as Record<string, unknown>)[m[1]!.toUpperCase()]);
      if (
        !m[2]!
          .split(',')
          .map((s) => s.trim())
          .includes(value)
      )
        return false;
      continue;
    }
    throw new Error(`fake cmsquery does not understand "${c}"`);
  }
  return true;
}

function row(object: FakeObject): Record<string, unknown> {
  const { bytes: _bytes, ...rest } = object;
  return rest;
}

export function installInstances(fake: FakeBi): InstanceFake {
  let serial = 90_000;
  const state: InstanceFake = {
    objects: new Map(),
    add: (object) => state.objects.set(object.SI_ID, object),
    scheduled: [],
    deleted: [],
    queries: [],
    nextRun: { statuses: [9, 0, 1] },
    ignoreOrder: false,
    platformIdIn: 'location',
    details: new Map(),
  };
  const runs = new Map<number, FakeRun & { polls: number }>();

  /** Advances a run by one step each time the CMS is asked about it. */
  const advance = (object: FakeObject): void => {
    const run = runs.get(object.SI_ID);
    if (!run) return;
    const status = run.statuses[Math.min(run.polls, run.statuses.length - 1)]!;
    run.polls++;
    object.SI_SCHEDULE_STATUS = status;
    if (status === 1 || status === 3) object.SI_ENDTIME = biDate(new Date());
    if (status === 3 && run.failure) object.SI_STATUSINFO = { SI_STATUS_MESSAGE: run.failure };
  };

  const newRun = (parent: FakeObject): number => {
    const id = ++serial;
    const run = { ...state.nextRun, polls: 0 };
    runs.set(id, run);
    state.add({
      SI_ID: id,
      SI_CUID: `Run${id}`,
      SI_NAME: parent.SI_NAME,
      SI_KIND: run.kind ?? 'Pdf',
      SI_PARENTID: parent.SI_ID,
      SI_INSTANCE: 1,
      SI_SCHEDULE_STATUS: 9,
      SI_FILES: { SI_NUM_FILES: 1, SI_FILE1: `~ce${id}.pdf` },
      bytes: run.bytes ?? Buffer.from(`%PDF-1.4 run ${id}`),
    });
    return id;
  };

  fake.route('POST', '/v1/cmsquery', (req: FakeRequest, res: ServerResponse) => {
    const query = (JSON.parse(req.body) as { query: string }).query;
    state.queries.push(query);
    const m =
      /^SELECT\s+(?:TOP\s+(\d+)\s+)?.*?\s+FROM\s+CI_INFOOBJECTS\s+WHERE\s+(.*?)(?:\s+ORDER\s+BY\s+(\w+)\s+DESC)?$/is.exec(
        query,
      );
    if (!m) return sendJson(res, 400, { error_code: 'FWB 00025', message: 'Bad query' });
    let rows = [...state.objects.values()].filter((o) => matches(o, m[2]!));
    for (const object of rows) advance(object);
    rows = rows.filter((o) => matches(o, m[2]!));
    rows.sort((a, b) => a.SI_ID - b.SI_ID);
    if (m[3] && !state.ignoreOrder) {
      const key = m[3].toUpperCase() as keyof FakeObject;
      const sortable = (o: FakeObject): string =>
        String(o[key] ?? '').replace(/^(\d\d)\.(\d\d)\.(\d{4}) /, '$3$2$1 ');
      rows.sort((a, b) => sortable(b).localeCompare(sortable(a)));
    }
    const top = m[1] ? Number(m[1]) : rows.length;
    const page = Number(req.query.get('page') ?? 1);
    const size = Number(req.query.get('pagesize') ?? 50);
    const limited = rows.slice(0, top).slice((page - 1) * size, page * size);
    sendJson(res, 200, { entries: limited.map(row) });
  });

  fake.route('GET', /^\/infostore\/\d+$/, (req, res) => {
    const object = state.objects.get(Number(req.path.split('/')[2]));
    if (!object) return sendJson(res, 404, { error_code: 'WSR 00400', message: 'Not found' });
    sendJson(res, 200, {
      id: object.SI_ID,
      cuid: object.SI_CUID ?? '',
      name: object.SI_NAME,
      type: object.SI_KIND,
    });
  });

  fake.route('GET', /^\/infostore\/folder\/\d+\/file$/, (req, res) => {
    const object = state.objects.get(Number(req.path.split('/')[3]));
    if (!object?.bytes) return sendJson(res, 404, { error_code: 'WSR 00400', message: 'No file' });
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(object.bytes);
  });

  // Raylight schedules (§4.1–4.4).
  fake.route('POST', /^\/raylight\/v1\/documents\/\d+\/schedules$/, (req, res) => {
    const parent = state.objects.get(Number(req.path.split('/')[4]));
    if (!parent) return sendJson(res, 404, { error: { error_code: 'WSR 00400', message: 'No' } });
    const id = newRun(parent);
    state.scheduled.push({ objectId: parent.SI_ID, body: req.body, id });
    sendJson(res, 200, { success: { message: 'The resource has been scheduled', id } });
  });
  fake.route('GET', /^\/raylight\/v1\/documents\/\d+\/schedules\/\d+$/, (req, res) => {
    const id = Number(req.path.split('/')[6]);
    const run = runs.get(id);
    const details = state.details.get(id);
    if (details) return sendJson(res, 200, { schedule: { id, ...details } });
    sendJson(res, 200, {
      schedule: {
        id,
        status: { '@id': '3', $: 'Failed' },
        ...((run?.raylightError ?? run?.failure) && {
          error: { error_code: 'WIS 30270', message: run.raylightError ?? run.failure },
        }),
      },
    });
  });
  fake.route('DELETE', /^\/raylight\/v1\/documents\/\d+\/schedules\/\d+$/, (req, res) => {
    const id = Number(req.path.split('/')[6]);
    state.deleted.push(id);
    state.objects.delete(id);
    sendJson(res, 200, { success: { message: 'deleted', id } });
  });
  fake.route('DELETE', /^\/infostore\/\d+$/, (_req, res) => {
    sendJson(res, 405, { error_code: 'RWS 00012', message: 'Method not allowed' });
  });

  // Platform "now" form (§3.2, §3.3).
  fake.route('GET', /^\/infostore\/\d+\/scheduleForms\/now$/, (_req, res) => {
    res
      .writeHead(200, { 'content-type': 'application/xml' })
      .end(
        '<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml"><attrs xmlns="http://www.sap.com/rws/bip"><attr name="retriesAllowed" type="int32">0</attr></attrs></content></entry>',
      );
  });
  fake.route('POST', /^\/infostore\/\d+\/scheduleForms\/now$/, (req, res) => {
    const parent = state.objects.get(Number(req.path.split('/')[2]));
    if (!parent) return sendJson(res, 404, { error_code: 'WSR 00400', message: 'No' });
    const id = newRun(parent);
    state.scheduled.push({ objectId: parent.SI_ID, body: req.body, id });
    const headers: Record<string, string> = {};
    if (state.platformIdIn === 'location') headers.location = `${fake.url}/infostore/${id}`;
    res.writeHead(201, headers).end();
  });

  return state;
}
