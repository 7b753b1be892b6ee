/**
 * Prompts and refresh: `GET /documents/{id}/parameters` lists the prompts with their lists of
 * values; `PUT` answers them and is the refresh. The protocol is iterative: while a mandatory
 * prompt has no answer (or a cascading prompt's list was just unlocked) the reply is the pending
 * `parameters`; once all are answered the document is refreshed and the reply is `success`
 * (bi4-rest.md 4.1, 4.2).
 */
import { sendWire, type Exchange } from './exchange.js';
import { hasData, openDocument, success } from './documents.js';
import type { DocumentDef, PromptDef } from './fixtures.js';
import type { OpenDocument, Session } from './sessions.js';
import { asArray, field, many, parseBody, readText, textOf, WireError, type Wire } from './wire.js';

function lovValues(prompt: PromptDef, open: OpenDocument): string[] | undefined {
  // A cascading prompt's list stays locked until its parent has an answer.
  if (prompt.dependsOn !== undefined && (open.answers.get(prompt.dependsOn) ?? []).length === 0) {
    return undefined;
  }
  return prompt.lov(open.answers);
}

function parameterWire(
  prompt: PromptDef,
  open: OpenDocument,
  withLov: boolean,
): Record<string, Wire> {
  const values = lovValues(prompt, open);
  const lov = withLov
    ? {
        '@hierarchical': 'false',
        '@partial': 'false',
        '@refreshable': 'true',
        '@searchable': 'false',
        id: `UNIVERSELOV_DS0.DO${prompt.id + 1}`,
        values: values
          ? { value: many(values.map((v, i) => ({ '@id': String(i), $: v }))) }
          : undefined,
        parameters: prompt.dependsOn !== undefined ? { id: prompt.dependsOn } : undefined,
      }
    : undefined;
  const answered = open.answers.get(prompt.id) ?? [];
  return {
    '@optional': String(prompt.optional),
    '@type': 'prompt',
    '@dpId': 'DP0',
    id: prompt.id,
    technicalName: prompt.name,
    name: prompt.name,
    answer: {
      '@constrained': 'false',
      '@type': 'Text',
      info: { '@cardinality': prompt.cardinality, lov },
      values: answered.length > 0 ? { value: many(answered) } : undefined,
    },
  };
}

function sendParameters(ex: Exchange, prompts: PromptDef[], open: OpenDocument): void {
  const withLov = ex.query.get('lovInfo') !== 'false';
  const list = prompts.map((p) => parameterWire(p, open, withLov));
  sendWire(ex, 200, { parameters: { parameter: many(list) } });
}

/** `GET /documents/{id}/parameters`: every prompt, with its LOV unless `lovInfo=false`. */
export function getParameters(ex: Exchange, session: Session, doc: DocumentDef): void {
  sendParameters(ex, doc.prompts, openDocument(session, doc));
}

/** The values of one answer: scalars, `{$: text}`, or LOV entries by `@id`. */
function answerValues(prompt: PromptDef, open: OpenDocument, answer: unknown): string[] {
  const lov = lovValues(prompt, open) ?? [];
  return asArray(field(field(answer, 'values'), 'value')).flatMap((v) => {
    const text = textOf(v);
    if (text !== undefined && text !== '') return [text];
    const id = textOf(field(v, '@id'));
    const byId = id === undefined ? undefined : lov[Number(id)];
    if (byId === undefined) {
      throw new WireError(
        400,
        'WSR 00101',
        `The answer to prompt "${prompt.name}" names an unknown value.`,
      );
    }
    return [byId];
  });
}

/** Reads the answers in a PUT body, checked; throws `WSR 00100`/`00101` on a bad answer. */
export function readAnswers(
  doc: DocumentDef,
  open: OpenDocument,
  body: unknown,
): Map<number, string[]> {
  const given = new Map<number, string[]>();
  for (const parameter of asArray(field(field(body, 'parameters'), 'parameter'))) {
    const id = textOf(field(parameter, 'id'));
    const prompt = doc.prompts.find((p) => String(p.id) === id);
    if (!prompt) {
      throw new WireError(
        400,
        'WSR 00101',
        `The document has no parameter with identifier "${id ?? ''}".`,
      );
    }
    const values = answerValues(prompt, open, field(parameter, 'answer'));
    if (values.length === 0 && !prompt.optional) {
      throw new WireError(400, 'WSR 00100', `The mandatory prompt "${prompt.name}" has no answer.`);
    }
    if (prompt.cardinality === 'Single' && values.length > 1) {
      throw new WireError(
        400,
        'WSR 00100',
        `The prompt "${prompt.name}" takes one value: "/answer/values/value/count()" must be equal to "1".`,
      );
    }
    given.set(prompt.id, values);
  }
  return given;
}

/** `PUT /documents/{id}/parameters`: answer prompts and refresh (iteratively). */
export async function putParameters(
  ex: Exchange,
  session: Session,
  doc: DocumentDef,
): Promise<void> {
  const open = openDocument(session, doc);
  const body = parseBody(await readText(ex.req), ex.req.headers['content-type']);
  const given = readAnswers(doc, open, body);

  for (const [id, values] of given) open.answers.set(id, values);
  // A new parent answer invalidates the child's answer unless the child was answered with it.
  for (const prompt of doc.prompts) {
    if (prompt.dependsOn !== undefined && given.has(prompt.dependsOn) && !given.has(prompt.id)) {
      open.answers.delete(prompt.id);
    }
  }

  const pending = doc.prompts.filter(
    (p) => !p.optional && (open.answers.get(p.id) ?? []).length === 0,
  );
  if (pending.length > 0) {
    sendParameters(ex, pending, open);
    return;
  }

  open.refreshed = true;
  open.state = 'Modified';
  sendWire(
    ex,
    200,
    success(
      `The resource of type "document" with identifier "${doc.id}" has been successfully updated.`,
      doc.id,
      {
        details: {
          property: [{ '@key': 'allDataprovidersRefreshed', $: String(hasData(doc, open)) }],
        },
      },
    ),
  );
}
