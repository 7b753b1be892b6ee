/**
 * Platform scheduling and files: `/infostore/{id}/scheduleForms[/{form}]` (bi4-instances.md
 * 3.1-3.3) and `GET /infostore/folder/{id}/file` (2.1), the one download path seen working.
 */
import { sendJson, sendRaw, sendXml, type Exchange } from './exchange.js';
import type { DocumentDef } from './fixtures.js';
import { uploadOf } from './instance-props.js';
import type { InfoObject } from './infostore.js';
import { requireRight } from './rights.js';
import type { Session } from './sessions.js';
import { streamBody } from './stream-body.js';
import { escapeXml, parseBody, readText, WireError } from './wire.js';

/** The recurrence forms of the guide's example (bi4-instances.md 3.1). */
const FORMS = ['now', 'once', 'hourly', 'daily', 'weekly', 'monthly', 'NthDayOfMonth'];

const BIP_NS = 'http://www.sap.com/rws/bip';

function notFound(ex: Exchange): WireError {
  return new WireError(404, 'RWS 00005', `No such platform resource: ${ex.path}.`);
}

/** `GET /infostore/folder/{id}/file`: the file of an instance or an uploaded object. */
export async function handleFile(ex: Exchange, session: Session, ref: string): Promise<void> {
  if (ex.method !== 'GET') {
    throw new WireError(405, 'RWS 00005', 'Uploading files is not emulated; use GET.');
  }
  const id = /^\d+$/.test(ref) ? Number(ref) : -1;
  const instance = ex.state.instances.get(id);
  const doc = ex.state.catalog.byId.get(id);
  if (!instance && !doc) {
    throw new WireError(404, 'WSR 00400', `The infostore object "${ref}" does not exist.`);
  }
  requireRight(ex, session, 'view');

  const file = instance ? instance.file : doc && uploadOf(doc);
  if (!file) {
    throw new WireError(404, 'WSR 00400', `The infostore object "${ref}" has no file.`);
  }
  // Content-Disposition was not observed (Q3); the FRS name is what the server knows.
  ex.res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
  const type = file.contentType.startsWith('text/')
    ? `${file.contentType};charset=UTF-8`
    : file.contentType;
  await streamBody(ex, type, file.chunks(), ex.state.exportBytesPerSecond, file.size);
}

/** Webi documents and Crystal reports are schedulable; folders, files and instances are not. */
function schedulable(ex: Exchange, object: InfoObject): DocumentDef {
  const doc = ex.state.catalog.byId.get(object.id);
  if (!doc || (doc.kind !== 'Webi' && doc.kind !== 'CrystalReport')) {
    throw new WireError(
      400,
      'WSR 00501',
      `The object "${object.name}" of kind ${object.type} cannot be scheduled.`,
    );
  }
  return doc;
}

function templateAttrs(form: string): Record<string, { type: string; value: string | number }> {
  const attrs: Record<string, { type: string; value: string | number }> = {
    retriesAllowed: { type: 'int32', value: 0 },
    retryIntervalInSeconds: { type: 'int32', value: 1800 },
  };
  if (form !== 'now') {
    const start = new Date(Date.now() + 3600 * 1000).toISOString();
    attrs.StartDate = { type: 'datetime', value: start };
    attrs.EndDate = { type: 'datetime', value: '2036-12-31T23:59:59.000Z' };
  }
  return attrs;
}

function sendTemplate(ex: Exchange, session: Session, doc: DocumentDef, form: string): void {
  const attrs = templateAttrs(form);
  if (ex.format === 'json') {
    sendJson(ex, 200, Object.fromEntries(Object.entries(attrs).map(([k, a]) => [k, a.value])));
    return;
  }
  const body = Object.entries(attrs)
    .map(([k, a]) => `<attr name="${k}" type="${a.type}">${escapeXml(String(a.value))}</attr>`)
    .join('');
  sendXml(
    ex,
    200,
    `<?xml version="1.0" encoding="UTF-8"?>\n<entry xmlns="http://www.w3.org/2005/Atom">` +
      `<author><name>${escapeXml(session.user)}</name><uri>${ex.baseUrl}/infostore/${doc.id}</uri></author>` +
      `<id>tag:sap.com,2010:bip-rs/${escapeXml(doc.cuid)}/scheduleForms/${form}</id>` +
      `<title type="text">Schedule ${escapeXml(doc.name)} ${form}</title>` +
      `<updated>${new Date().toISOString()}</updated>` +
      `<content type="application/xml"><attrs xmlns="${BIP_NS}">${body}</attrs></content></entry>`,
  );
}

function sendForms(ex: Exchange, doc: DocumentDef): void {
  const base = `${ex.baseUrl}/infostore/${doc.id}/scheduleForms`;
  if (ex.format === 'json') {
    const entries = FORMS.map((f) => ({ name: f, __metadata: { uri: `${base}/${f}` } }));
    sendJson(ex, 200, { entries, __metadata: { uri: base } });
    return;
  }
  const entries = FORMS.map(
    (f) =>
      `<entry><title type="text">${f}</title><id>${base}/${f}</id>` +
      `<link rel="alternate" href="${base}/${f}"/></entry>`,
  ).join('');
  sendXml(
    ex,
    200,
    `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">` +
      `<title type="text">Schedule forms of ${escapeXml(doc.name)}</title>` +
      `<link rel="self" href="${base}"/>${entries}</feed>`,
  );
}

/**
 * The answers saved with a document, used by platform runs, which carry no prompt values
 * (bi4-instances.md 3.3, Q2): the first value of each mandatory prompt's list.
 */
export function savedAnswers(doc: DocumentDef): Map<number, string[]> {
  const answers = new Map<number, string[]>();
  for (const prompt of doc.prompts) {
    const first = prompt.lov(answers)[0];
    if (!prompt.optional && first !== undefined) answers.set(prompt.id, [first]);
  }
  return answers;
}

/** `GET /infostore/{ref}/scheduleForms[/{form}]`, `POST …/scheduleForms/now` (201 + Location). */
export async function handleScheduleForms(
  ex: Exchange,
  session: Session,
  object: InfoObject,
  form: string | undefined,
): Promise<void> {
  const doc = schedulable(ex, object);
  if (form === undefined) {
    if (ex.method !== 'GET') throw notFound(ex);
    sendForms(ex, doc);
    return;
  }
  if (!FORMS.includes(form)) throw notFound(ex);
  if (ex.method === 'GET') {
    sendTemplate(ex, session, doc, form);
    return;
  }
  if (ex.method !== 'POST') throw notFound(ex);

  requireRight(ex, session, 'schedule');
  if (form !== 'now') {
    throw new WireError(400, 'WSR 00501', `Only the "now" form is emulated, not "${form}".`);
  }
  // The body is the template, possibly edited; it must parse, its values change nothing here.
  parseBody(await readText(ex.req), ex.req.headers['content-type']);

  // A platform run uses the object's saved options; the emulator saves PDF for every object.
  const instance = ex.state.instances.create({
    parent: doc,
    name: doc.name,
    owner: session.user,
    format: 'pdf',
    answers: savedAnswers(doc),
    recurrence: undefined,
    keep: true,
  });
  // Q1: only the Location header carries the new id, as on the 4.3 publications call (S2).
  sendRaw(ex, 201, '', ex.format === 'json' ? 'application/json' : 'application/xml', {
    Location: `${ex.baseUrl}/infostore/${instance.id}`,
  });
}
