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
import { pendingExtension, possibleExtensions } from './file-types.js';
import { renderPath } from './template.js';

/** What planning needs from a source besides exporting; the BI source has all of it. */
export interface Catalog {
  findDocuments(
    selector: { folder: string; recursive?: boolean } | { query: string },
    signal?: AbortSignal,
  ): Promise<DocumentInfo[]>;
  resolveDocument(ref: DocumentRef, signal?: AbortSignal): Promise<DocumentInfo>;
  listReports(ref: DocumentRef, signal?: AbortSignal): Promise<string[]>;
  /**
   * Resolves a reference to any repository object (Crystal report, uploaded file...), for entries
   * delivered from an instance or a platform run; without it only Webi documents resolve.
   */
  resolveObject?(ref: DocumentRef, signal?: AbortSignal): Promise<DocumentInfo>;
}

/** A delivery of a platform instance's file as it is: bidrop chooses no format. */
export type AsIs = 'as-is';

export interface PlannedDelivery {
  /** Stable across runs of the same plan: publication, document id, report, format, prompts. */
  key: string;
  document: DocumentInfo;
  /** A report (tab) name; the whole document when absent. */
  report?: string;
  format: ExportFormat | AsIs;
  /** One answer per prompt, date tokens filled. */
  prompts: Record<string, string>;
  /**
   * Path at the destination, before any conflict renaming. When the source chooses the file type
   * (`typedBySource`), {ext} shows as "{ext}" here and the runner renders the final path with the
   * type the export reports (`finalTarget`).
   */
  target: string;
  typedBySource?: boolean;
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
    const anyKind = originOf(publication, entry)?.from !== undefined;
    for (const document of await expand(entry, catalog, anyKind, options.signal)) {
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

/**
 * The documents an entry names. An entry delivered from an instance or a platform run may name any
 * kind of object (bi4-instances.md §1.1) when it names one; folders and queries still list Webi
 * documents only, because a folder usually holds kinds the platform cannot run or export.
 */
async function expand(
  entry: DocumentEntry,
  catalog: Catalog,
  anyKind: boolean,
  signal?: AbortSignal,
): Promise<DocumentInfo[]> {
  const resolve = (ref: DocumentRef): Promise<DocumentInfo> =>
    anyKind && catalog.resolveObject
      ? catalog.resolveObject(ref, signal)
      : catalog.resolveDocument(ref, signal);
  if (entry.id !== undefined) return [await resolve({ kind: 'id', id: entry.id })];
  if (entry.cuid !== undefined) return [await resolve({ kind: 'cuid', cuid: entry.cuid })];
  if (entry.path !== undefined) return [await resolve({ kind: 'path', path: entry.path })];
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
  const origin = originOf(publication, entry);
  // An instance is delivered whole, as it is: formats, reports and prompts were the platform's
  // schedule's business, so they do not multiply it.
  const asIs = origin?.from === 'latest-instance';
  const formats: Array<ExportFormat | AsIs> = asIs
    ? ['as-is']
    : (entry.formats ?? publication.formats);
  const reportSetting = asIs ? undefined : (entry.reports ?? publication.reports);
  const reports: Array<string | undefined> =
    reportSetting === 'each'
      ? await catalog.listReports({ kind: 'id', id: document.id }, signal)
      : (reportSetting ?? [undefined]);
  const answers = asIs ? [{}] : burst(promptAnswers(publication, entry, now));
  // A platform run's output type is the platform's (Crystal runs in its default format), so its
  // {ext} too comes from the bytes.
  const typedBySource = origin?.from === 'latest-instance' || origin?.from === 'schedule';

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
            ext: typedBySource ? pendingExtension : extensionFor(format),
            prompts,
            now,
          }),
        };
        if (report !== undefined) delivery.report = report;
        if (typedBySource) delivery.typedBySource = true;
        if (origin) delivery.origin = origin;
        out.push(delivery);
      }
    }
  }
  return out;
}

function extensionFor(format: ExportFormat | AsIs): string {
  return format === 'as-is' ? pendingExtension : extensions[format];
}

/**
 * The target of a delivery typed by its source, rendered again once the export said its type:
 * the same values as planning, with {ext} (and {format} when bidrop chose none) the real one.
 */
export function finalTarget(
  publicationName: string,
  publication: PublicationConfig,
  delivery: PlannedDelivery,
  plannedAt: Date,
  ext: string,
): string {
  if (!delivery.typedBySource) return delivery.target;
  const target = parseTarget(publication.to);
  if (!target) return delivery.target;
  return targetPath(target.path, {
    publication: publicationName,
    document: delivery.document.name,
    id: delivery.document.id,
    cuid: delivery.document.cuid,
    report: delivery.report ?? '',
    format: delivery.format === 'as-is' ? ext : delivery.format,
    ext,
    prompts: delivery.prompts,
    now: calendarTime(plannedAt, publication.timezone),
  });
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
    for (const candidate of candidateTargets(delivery)) {
      const folded = candidate.normalize('NFC').toLowerCase();
      const earlier = byPath.get(folded);
      if (earlier === delivery) continue;
      if (earlier) {
        clashes.push(`  ${candidate}: ${describe(earlier)} and ${describe(delivery)}`);
        break;
      }
      byPath.set(folded, delivery);
    }
  }
  if (clashes.length === 0) return;

  throw new RunError(
    'RUN_PATH_COLLISION',
    `Publication "${publication}" would deliver twice to the same path:\n${clashes.join('\n')}\n`,
    { hint: 'Add the tokens that tell them apart to "to", e.g. {report}, {ext} or a prompt name.' },
  );
}

/**
 * Every path a delivery may end at. A type the source chooses is not known before the export, so
 * such a target stands for each extension it could get: two deliveries collide when they could.
 * A platform run of a Webi document asked for a format is taken to yield that format's extension.
 */
function candidateTargets(delivery: PlannedDelivery): string[] {
  if (!delivery.typedBySource || !delivery.target.includes(pendingExtension)) {
    return [delivery.target];
  }
  const exts = delivery.format === 'as-is' ? possibleExtensions : [extensions[delivery.format]];
  return exts.map((ext) => delivery.target.split(pendingExtension).join(ext));
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
