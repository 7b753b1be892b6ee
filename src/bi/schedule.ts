/**
 * Asking the platform's job servers to run an object now (bi4-instances.md §4 for Web
 * Intelligence through Raylight, §3 for every other kind through the platform's "now" form), and
 * removing the run afterwards (§4.4).
 */
import type { ExportFormat } from '../core/index.js';
import { BiError } from '../core/index.js';
import { biError, BiErrorCode } from './codes.js';
import { closeDocument, openDocument, raylight } from './documents.js';
import { header } from './http.js';
import { highestInstanceId, instancesAfter } from './instances.js';
import { callJson, callOpen, type Scope } from './scope.js';
import { asArray, asObject, pick, text, toId } from './wire.js';

/** A run bidrop started: the instance's SI_ID, and how to reach it again. */
export interface ServerRun {
  id: number;
  objectId: number;
  webi: boolean;
}

/**
 * Raylight schedule formats (§4.1): no `xlsx` exists in any source (Q8), so xlsx is asked as
 * `xls`; `webi` would give a .wid, never asked.
 */
const raylightFormats: Readonly<Record<ExportFormat, string>> = {
  pdf: 'pdf',
  xlsx: 'xls',
  xls: 'xls',
  csv: 'csv',
};

const xmlEscape = (value: string): string =>
  value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The schedule body of §4.1: a name, a format, the prompt answers, no destination, no recurrence. */
export function raylightScheduleXml(
  name: string,
  format: ExportFormat,
  parameters: ScheduleParameter[],
): string {
  const answered = parameters.map(
    (p) =>
      `<parameter dpId="${xmlEscape(p.dpId)}"><id>${xmlEscape(p.id)}</id>` +
      `<technicalName>${xmlEscape(p.technicalName)}</technicalName>` +
      `<answer><values>${p.values.map((v) => `<value>${xmlEscape(v)}</value>`).join('')}</values></answer></parameter>`,
  );
  return (
    `<schedule><name>${xmlEscape(name)}</name><format type="${raylightFormats[format]}"/>` +
    (answered.length > 0 ? `<parameters>${answered.join('')}</parameters>` : '') +
    '</schedule>'
  );
}

export interface ScheduleParameter {
  id: string;
  dpId: string;
  technicalName: string;
  values: string[];
}

/** Matches answers (by name or technical name, case-insensitively) to the document's parameters. */
async function scheduleParameters(
  scope: Scope,
  documentId: number,
  answers: Record<string, string[]>,
): Promise<ScheduleParameter[]> {
  await openDocument(scope, documentId);
  let json;
  try {
    json = await callJson(scope, {
      method: 'GET',
      path: `${raylight}/documents/${documentId}/parameters`,
      query: { lovInfo: false },
    });
  } finally {
    await closeDocument(scope, documentId).catch(() => {});
  }

  const out: ScheduleParameter[] = [];
  const used = new Set<string>();
  const names: string[] = [];
  for (const entry of asArray(asObject(json.parameters).parameter).map(asObject)) {
    const id = text(entry.id);
    if (id === undefined) continue;
    const name = text(entry.name) ?? text(entry.technicalName) ?? id;
    const technicalName = text(entry.technicalName) ?? name;
    names.push(name);
    const key = Object.keys(answers).find((k) =>
      [name, technicalName].some((n) => n.trim().toLowerCase() === k.trim().toLowerCase()),
    );
    if (key === undefined) continue;
    used.add(key);
    const dpId = text(pick(entry, '@dpId', 'dpId', 'dataProviderId')) ?? '';
    out.push({ id, dpId, technicalName, values: answers[key]! });
  }

  const unknown = Object.keys(answers).filter((k) => !used.has(k));
  if (unknown.length > 0) {
    throw biError(
      BiErrorCode.promptUnknown,
      `The document has no prompt ${unknown.map((n) => `"${n}"`).join(', ')}`,
      { hint: `Its prompts are: ${names.map((n) => `"${n}"`).join(', ') || 'none'}.` },
    );
  }
  return out;
}

/** Schedules a Web Intelligence document to run now (§4.1) and returns the instance's SI_ID. */
export async function startWebiRun(
  scope: Scope,
  documentId: number,
  format: ExportFormat,
  prompts: Record<string, string[]>,
  name: string,
): Promise<ServerRun> {
  const parameters =
    Object.keys(prompts).length > 0 ? await scheduleParameters(scope, documentId, prompts) : [];
  const path = `${raylight}/documents/${documentId}/schedules`;
  const json = await callJson(scope, {
    method: 'POST',
    path,
    body: raylightScheduleXml(name, format, parameters),
    contentType: 'application/xml',
    noRetry: true,
  });
  const id = toId(asObject(json.success).id);
  if (id === undefined) {
    throw biError(BiErrorCode.badResponse, 'The schedule answer carries no id', {
      method: 'POST',
      endpoint: path,
      hint: 'This may be an unsupported BI version; run with --debug and report it.',
    });
  }
  return { id, objectId: documentId, webi: true };
}

/**
 * Runs any schedulable object now with its saved defaults (§3.2, §3.3): the "now" form is read and
 * sent back. The new SI_ID comes from `Location`, else the body, else a query for an instance
 * newer than any before the call (Q1).
 */
export async function startPlatformRun(scope: Scope, objectId: number): Promise<ServerRun> {
  const before = await highestInstanceId(scope, objectId);
  const path = `/infostore/${objectId}/scheduleForms/now`;
  const form = await callOpen(scope, { method: 'GET', path, accept: 'application/xml' });
  const template = await form.body.text();

  const response = await callOpen(scope, {
    method: 'POST',
    path,
    accept: 'application/xml',
    body: template,
    contentType: 'application/xml',
    noRetry: true,
  });
  const body = await response.body.text().catch(() => '');
  const location = header(response.headers, 'location');
  const id =
    toId(/\/infostore\/(\d+)\/?$/.exec(location ?? '')?.[1]) ??
    toId(
      /<id>\s*(\d+)\s*<\/id>|name="(?:id|SI_ID)"[^>]*>\s*(\d+)|"(?:id|SI_ID)"\s*:\s*"?(\d+)/
        .exec(body)
        ?.slice(1)
        .find(Boolean),
    ) ??
    (await instancesAfter(scope, objectId, before)).at(-1)?.id;
  if (id === undefined) {
    throw biError(BiErrorCode.badResponse, 'The platform accepted the run but named no instance', {
      method: 'POST',
      endpoint: path,
      status: response.status,
      hint: 'Find the instance in the CMC history; this BI version may answer differently, please report it.',
    });
  }
  return { id, objectId, webi: false };
}

/**
 * Removes a run: cancels it while it runs, deletes its instance once done (§4.4). Raylight's
 * DELETE for Web Intelligence; other kinds have no known call (`DELETE /infostore/{id}` answered
 * 405 on one server, §2.2) but it is tried, and its failure is the caller's to report.
 */
export async function removeRun(scope: Scope, run: ServerRun): Promise<void> {
  const path = run.webi
    ? `${raylight}/documents/${run.objectId}/schedules/${run.id}`
    : `/infostore/${run.id}`;
  try {
    await callJson(scope, { method: 'DELETE', path });
  } catch (error) {
    // Already gone (an instance limit purged it, or the server removed a failed run) is fine.
    if (error instanceof BiError && error.code === BiErrorCode.notFound) return;
    throw error;
  }
}

/** Raylight's error text of a finished Web Intelligence run (§4.3), when the CMS gave none. */
export async function raylightRunError(scope: Scope, run: ServerRun): Promise<string | undefined> {
  if (!run.webi) return undefined;
  try {
    const json = await callJson(scope, {
      method: 'GET',
      path: `${raylight}/documents/${run.objectId}/schedules/${run.id}`,
    });
    const error = asObject(asObject(json.schedule).error);
    const message = text(error.message);
    const code = text(pick(error, 'error_code', 'errorCode'));
    return message === undefined ? undefined : code ? `${code} ${message}` : message;
  } catch {
    return undefined;
  }
}
