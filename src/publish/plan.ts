/**
 * Planning: a publication from bidrop.yaml becomes a list of deliveries, each one document (or one
 * report of it) in one format with one answer per prompt, bound for one target path. Planning may
 * ask the catalog (folders, CMS queries, report tabs) but never exports.
 */
import { createHash } from 'node:crypto';

import { parseTarget, type DocumentEntry, type PublicationConfig } from '../config/index.js';
import {
  RunError,
  type DocumentInfo,
  type DocumentRef,
  type ExportFormat,
  type ExportRequest,
} from '../core/index.js';
import { calendarTime, fillDateTokens, type CalendarTime } from './dates.js';
import { renderPath } from './template.js';

/** What planning needs from a source besides exporting; the BI source has all of it. */
export interface Catalog {
  findDocuments(
    selector: { folder: string; recursive?: boolean } | { query: string },
    signal?: AbortSignal,
  ): Promise<DocumentInfo[]>;
  resolveDocument(ref: DocumentRef, signal?: AbortSignal): Promise<DocumentInfo>;
  listReports(ref: DocumentRef, signal?: AbortSignal): Promise<string[]>;
}

export interface PlannedDelivery {
  /** Stable across runs of the same plan: publication, document id, report, format, prompts. */
  key: string;
  document: DocumentInfo;
  /** A report (tab) name; the whole document when absent. */
  report?: string;
  format: ExportFormat;
  /** One answer per prompt, date tokens filled. */
  prompts: Record<string, string>;
  /** Path at the destination, before any conflict renaming. */
  target: string;
  /** Where the bytes come from, when not a refresh (DESIGN.md, "Ways to get a document out"). */
  origin?: ExportOrigin;
}

/** The export request fields that choose the way out of the BI platform. */
export type ExportOrigin = Pick<
  ExportRequest,
  'from' | 'maxAgeMs' | 'keepInstance' | 'scheduleTimeoutMs'
>;

export interface Plan {
  publication: string;
  destination: string;
  /** The instant every date token was computed from. */
  plannedAt: Date;
  deliveries: PlannedDelivery[];
}

export interface PlanOptions {
  /** Planning time (default: now); a resumed run passes the original run's. */
  now?: Date;
  signal?: AbortSignal;
}

const extensions: Record<ExportFormat, string> = {
  pdf: 'pdf',
  xlsx: 'xlsx',
  xls: 'xls',
  csv: 'csv',
};

/** Plans one publication; throws RUN_PATH_COLLISION when two deliveries share a target. */
export async function planPublication(
  name: string,
  publication: PublicationConfig,
  catalog: Catalog,
  options: PlanOptions = {},
): Promise<Plan> {
  const plannedAt = options.now ?? new Date();
  const now = calendarTime(plannedAt, publication.timezone);
  const target = parseTarget(publication.to);
  if (!target) {
    throw new RunError('RUN_TARGET_INVALID', `Publication "${name}" has no valid "to"`, {
      hint: 'Write it as destination:/path, e.g. team-dropbox:/Reports/{document}.{ext}.',
    });
  }

  const deliveries: PlannedDelivery[] = [];
  const seen = new Set<number>();
  for (const entry of publication.documents) {
    for (const document of await expand(entry, catalog, options.signal)) {
      // The first entry that names a document sets its options; a folder listing it again adds
      // nothing.
      if (seen.has(document.id)) continue;
      seen.add(document.id);
      deliveries.push(
        ...(await plannedFor(
          name,
          publication,
          entry,
          document,
          catalog,
          now,
          target.path,
          options.signal,
        )),
      );
    }
  }

  checkCollisions(name, deliveries);
  return { publication: name, destination: target.destination, plannedAt, deliveries };
}

async function expand(
  entry: DocumentEntry,
  catalog: Catalog,
  signal?: AbortSignal,
): Promise<DocumentInfo[]> {
  if (entry.id !== undefined)
    return [await catalog.resolveDocument({ kind: 'id', id: entry.id }, signal)];
  if (entry.cuid !== undefined)
    return [await catalog.resolveDocument({ kind: 'cuid', cuid: entry.cuid }, signal)];
  if (entry.path !== undefined)
    return [await catalog.resolveDocument({ kind: 'path', path: entry.path }, signal)];
  if (entry.folder !== undefined) {
    return catalog.findDocuments(
      { folder: entry.folder, recursive: entry.recursive ?? false },
      signal,
    );
  }
  return catalog.findDocuments({ query: entry.query! }, signal);
}

async function plannedFor(
  publicationName: string,
  publication: PublicationConfig,
  entry: DocumentEntry,
  document: DocumentInfo,
  catalog: Catalog,
  now: CalendarTime,
  template: string,
  signal?: AbortSignal,
): Promise<PlannedDelivery[]> {
  const formats = entry.formats ?? publication.formats;
  const reportSetting = entry.reports ?? publication.reports;
  const reports: Array<string | undefined> =
    reportSetting === 'each'
      ? await catalog.listReports({ kind: 'id', id: document.id }, signal)
      : (reportSetting ?? [undefined]);
  const answers = burst(promptAnswers(publication, entry, now));
  const origin = originOf(publication, entry);

  const out: PlannedDelivery[] = [];
  for (const report of reports) {
    for (const format of formats) {
      for (const prompts of answers) {
        const delivery: PlannedDelivery = {
          key: deliveryKey(publicationName, document.id, report, format, prompts),
          document,
          format,
          prompts,
          target: targetPath(template, {
            publication: publicationName,
            document: document.name,
            id: document.id,
            cuid: document.cuid,
            report: report ?? '',
            format,
            ext: extensions[format],
            prompts,
            now,
          }),
        };
        if (report !== undefined) delivery.report = report;
        if (origin) delivery.origin = origin;
        out.push(delivery);
      }
    }
  }
  return out;
}

function targetPath(template: string, values: Parameters<typeof renderPath>[1]): string {
  const rendered = renderPath(template, values);
  if (rendered === '/') {
    throw new RunError('RUN_PATH_INVALID', `The target for "${values.document}" renders to "/"`, {
      hint: 'Give the "to" template a file name, e.g. /Reports/{document}.{ext}.',
    });
  }
  return rendered;
}

/** The way out for one document: its own keys first, then the publication's. */
function originOf(publication: PublicationConfig, entry: DocumentEntry): ExportOrigin | undefined {
  const origin: ExportOrigin = {};
  const from = entry.from ?? publication.from;
  const maxAge = entry.maxAge ?? publication.maxAge;
  const keepInstance = entry.keepInstance ?? publication.keepInstance;
  const scheduleTimeout = entry.scheduleTimeout ?? publication.scheduleTimeout;
  if (from !== undefined) origin.from = from;
  if (maxAge !== undefined) origin.maxAgeMs = maxAge;
  if (keepInstance !== undefined) origin.keepInstance = keepInstance;
  if (scheduleTimeout !== undefined) origin.scheduleTimeoutMs = scheduleTimeout;
  return Object.keys(origin).length ? origin : undefined;
}

/** Prompt answers for one document: the publication's, overridden per document, dates filled. */
function promptAnswers(
  publication: PublicationConfig,
  entry: DocumentEntry,
  now: CalendarTime,
): Record<string, string[]> {
  const merged = { ...publication.prompts, ...entry.prompts };
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(merged)) {
    const values = Array.isArray(value) ? value : [value];
    out[name] = values.map((v) => fillDateTokens(v, now));
  }
  return out;
}

/** Every combination of one value per prompt: lists burst, several lists multiply. */
export function burst(answers: Record<string, string[]>): Array<Record<string, string>> {
  let combinations: Array<Record<string, string>> = [{}];
  for (const [name, values] of Object.entries(answers)) {
    combinations = combinations.flatMap((partial) =>
      values.map((v) => ({ ...partial, [name]: v })),
    );
  }
  return combinations;
}

/** The stable identity of a delivery, for history and resume. */
export function deliveryKey(
  publication: string,
  documentId: number,
  report: string | undefined,
  format: string,
  prompts: Record<string, string>,
): string {
  const sorted = Object.entries(prompts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const identity = JSON.stringify([publication, documentId, report ?? null, format, sorted]);
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}

/** Dropbox compares paths without case, so two targets differing only in case collide too. */
function checkCollisions(publication: string, deliveries: PlannedDelivery[]): void {
  const byPath = new Map<string, PlannedDelivery>();
  const clashes: string[] = [];
  for (const delivery of deliveries) {
    const folded = delivery.target.normalize('NFC').toLowerCase();
    const earlier = byPath.get(folded);
    if (earlier)
      clashes.push(`  ${delivery.target}: ${describe(earlier)} and ${describe(delivery)}`);
    else byPath.set(folded, delivery);
  }
  if (clashes.length === 0) return;

  throw new RunError(
    'RUN_PATH_COLLISION',
    `Publication "${publication}" would deliver twice to the same path:\n${clashes.join('\n')}\n`,
    { hint: 'Add the tokens that tell them apart to "to", e.g. {report}, {ext} or a prompt name.' },
  );
}

/** A delivery in words: document, report, format and prompt answers. */
export function describeDelivery(delivery: PlannedDelivery): string {
  return describe(delivery);
}

function describe(delivery: PlannedDelivery): string {
  const parts = [`"${delivery.document.name}" (${delivery.document.id})`];
  if (delivery.report !== undefined) parts.push(`report "${delivery.report}"`);
  parts.push(delivery.format);
  const prompts = Object.entries(delivery.prompts).map(([k, v]) => `${k}=${v}`);
  if (prompts.length) parts.push(prompts.join(', '));
  return parts.join(' ');
}
