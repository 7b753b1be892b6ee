/**
 * The sample instances: nightly runs of Daily Sales (one failed), a monthly run of Monthly
 * Revenue, a recurring schedule on each of those two, and runs of the Crystal report Legacy
 * Invoices (one failed). Their files are real PDF and XLSX files.
 */
import type { Catalog } from './fixtures.js';
import { renderOutput, type OutputFormat } from './instance-files.js';
import {
  instanceCuid,
  type InstanceRecord,
  type InstanceStatus,
  type Recurrence,
} from './instances.js';

interface SampleInstance {
  id: number;
  parentId: number;
  format: OutputFormat;
  status: InstanceStatus;
  /** Start time, ISO; a run lasts `minutes`. */
  start: string;
  minutes: number;
  answers?: Record<number, string[]>;
  owner?: string;
  error?: string;
  recurrence?: Recurrence;
  /** Next run of a recurring schedule, ISO. */
  next?: string;
}

const daily: Recurrence = {
  element: 'daily',
  cmsType: 2,
  body: {
    '@dayInterval': '1',
    '@retriesAllowed': '0',
    '@retryIntervalInSeconds': '1800',
    startdate: '2026-11-01T02:00:00.000+00:00',
    enddate: '2036-11-01T02:00:00.000+00:00',
  },
};

const monthly: Recurrence = {
  element: 'monthly',
  cmsType: 4,
  body: {
    '@monthInterval': '1',
    '@retriesAllowed': '0',
    '@retryIntervalInSeconds': '1800',
    startdate: '2026-01-01T03:00:00.000+00:00',
    enddate: '2036-01-01T03:00:00.000+00:00',
  },
};

const EMEA = { 0: ['EMEA'], 1: ['Bikes', 'Accessories'] };

const SAMPLES: SampleInstance[] = [
  {
    id: 6201,
    parentId: 6001,
    format: 'pdf',
    status: 1,
    start: '2026-11-26T02:00:00Z',
    minutes: 3,
    answers: EMEA,
  },
  {
    id: 6202,
    parentId: 6001,
    format: 'pdf',
    status: 1,
    start: '2026-11-27T02:00:00Z',
    minutes: 4,
    answers: EMEA,
  },
  {
    id: 6203,
    parentId: 6001,
    format: 'pdf',
    status: 1,
    start: '2026-11-28T02:00:00Z',
    minutes: 3,
    answers: EMEA,
  },
  {
    id: 6204,
    parentId: 6001,
    format: 'pdf',
    status: 3,
    start: '2026-11-29T02:00:00Z',
    minutes: 1,
    answers: EMEA,
    error:
      'Database error: [Microsoft][ODBC Driver 17 for SQL Server]Login timeout expired. (WIS 10901)',
  },
  {
    id: 6205,
    parentId: 6001,
    format: 'pdf',
    status: 9,
    start: '2026-11-01T02:00:00Z',
    minutes: 0,
    answers: EMEA,
    recurrence: daily,
    next: '2026-12-05T02:00:00Z',
  },
  { id: 6211, parentId: 6003, format: 'xls', status: 1, start: '2026-11-01T03:00:00Z', minutes: 2 },
  {
    id: 6212,
    parentId: 6003,
    format: 'xls',
    status: 9,
    start: '2026-01-01T03:00:00Z',
    minutes: 0,
    recurrence: monthly,
    next: '2027-01-01T03:00:00Z',
  },
  { id: 6221, parentId: 6090, format: 'pdf', status: 1, start: '2026-11-20T05:00:00Z', minutes: 6 },
  {
    id: 6222,
    parentId: 6090,
    format: 'pdf',
    status: 3,
    start: '2026-11-25T05:00:00Z',
    minutes: 1,
    error: 'Failed to open the connection. Details: [Database Vendor Code: 17 ] (CRS 300003)',
  },
  { id: 6223, parentId: 6090, format: 'pdf', status: 1, start: '2026-11-27T05:00:00Z', minutes: 5 },
];

/** Ids of the sample instances, for tests and the demo. */
export const sampleInstances: Readonly<{
  /** Newest successful instance of each object that has one. */
  latestSuccessful: Readonly<Record<number, number>>;
  /** Newest failed instance of each object that has one. */
  latestFailed: Readonly<Record<number, number>>;
  /** The recurring schedule (runnable template) of each object that has one. */
  recurring: Readonly<Record<number, number>>;
  /** Uploaded PDF and Excel objects (no instances; the object's own file is downloaded). */
  uploaded: Readonly<{ pdf: number; excel: number }>;
}> = {
  latestSuccessful: { 6001: 6203, 6003: 6211, 6090: 6223 },
  latestFailed: { 6001: 6204, 6090: 6222 },
  recurring: { 6001: 6205, 6003: 6212 },
  uploaded: { pdf: 6100, excel: 6101 },
};

/** The sample instances as records, with their files rendered. */
export function sampleInstanceRecords(catalog: Catalog, largeBytes: number): InstanceRecord[] {
  return SAMPLES.flatMap((s) => {
    const parent = catalog.byId.get(s.parentId);
    if (!parent) return [];
    const answers = new Map(Object.entries(s.answers ?? {}).map(([k, v]) => [Number(k), v]));
    const started = new Date(s.start);
    const ended = new Date(started.getTime() + s.minutes * 60_000);
    const template = s.recurrence !== undefined;
    const record: InstanceRecord = {
      id: s.id,
      cuid: instanceCuid(s.id),
      name: parent.name,
      parent,
      owner: s.owner ?? 'Administrator',
      format: s.format,
      answers,
      status: s.status,
      recurring: template,
      recurrence: s.recurrence,
      created: template ? started : new Date(started.getTime() - 1000),
      started: template ? undefined : started,
      ended: template ? undefined : ended,
      updated: template ? started : ended,
      nextRun: s.next === undefined ? undefined : new Date(s.next),
      error:
        s.error === undefined
          ? undefined
          : { code: /\(([A-Z]+ \d+)\)$/.exec(s.error)?.[1] ?? 'WIS 10901', message: s.error },
      file: s.status === 1 ? renderOutput(parent, s.format, answers, s.id, largeBytes) : undefined,
      keep: true,
      plan: undefined,
    };
    return [record];
  });
}
