/**
 * Prompts (bi4-rest.md §4.1, §4.2): read them with their lists of values, and answer them, which
 * is the refresh. The server may answer a PUT with the parameters still to fill (cascading prompts
 * unlocked by a parent's answer), so answering is a loop until it says `success`.
 */
import { biError, BiErrorCode } from './codes.js';
import { raylight } from './documents.js';
import { callJson, type Scope } from './scope.js';
import { asArray, asObject, pick, text, toBool, type Json } from './wire.js';

export interface PromptInfo {
  name: string;
  id: string;
  multiple: boolean;
  mandatory: boolean;
  /** The list of values (at most 50 through Raylight, §4.1); empty when the prompt has none. */
  values: string[];
  /** Names of the prompts whose answers this one's list depends on (cascading). */
  dependsOn?: string[];
}

/** One parameter as the server sent it, with what answering it needs. */
export interface Parameter {
  id: string;
  name: string;
  technicalName: string;
  mandatory: boolean;
  cardinality: string;
  lov: string[];
  parentIds: string[];
  /** Values already in the answer (the previous run's, or a default). */
  current: string[];
}

/** Refreshes per document are few; more rounds than this means the server is going in circles. */
const maxRounds = 20;

function readParameters(json: Json): Parameter[] {
  const out: Parameter[] = [];
  for (const entry of asArray(asObject(json.parameters).parameter).map(asObject)) {
    const id = text(entry.id);
    if (id === undefined) continue;
    const answer = asObject(entry.answer);
    const info = asObject(answer.info);
    const lov = asObject(info.lov);
    const optional = toBool(pick(entry, '@optional', 'optional')) ?? false;
    const type = text(pick(entry, '@type', 'type'));
    const name = text(entry.name) ?? text(entry.technicalName) ?? id;
    out.push({
      id,
      name,
      technicalName: text(entry.technicalName) ?? name,
      // Context parameters are never optional (§4.1).
      mandatory: !optional || type === 'context',
      cardinality: text(pick(info, '@cardinality', 'cardinality')) ?? 'Single',
      lov: valuesOf(lov.values),
      parentIds: asArray(asObject(lov.parameters).id)
        .map(text)
        .filter((v): v is string => v !== undefined),
      current: valuesOf(answer.values),
    });
  }
  return out;
}

function valuesOf(values: unknown): string[] {
  return asArray(asObject(values).value)
    .map(text)
    .filter((v): v is string => v !== undefined);
}

function toPromptInfo(parameter: Parameter, all: Parameter[]): PromptInfo {
  const parents = parameter.parentIds
    .map((id) => all.find((p) => p.id === id)?.name)
    .filter((n): n is string => n !== undefined);
  return {
    name: parameter.name,
    id: parameter.id,
    multiple: parameter.cardinality !== 'Single',
    mandatory: parameter.mandatory,
    values: parameter.lov,
    ...(parents.length > 0 && { dependsOn: parents }),
  };
}

/** The prompts of an open document, with their lists of values. */
export async function readPrompts(scope: Scope, documentId: number): Promise<PromptInfo[]> {
  const json = await callJson(scope, {
    method: 'GET',
    path: `${raylight}/documents/${documentId}/parameters`,
    query: { lovInfo: true },
  });
  const parameters = readParameters(json);
  return parameters.map((p) => toPromptInfo(p, parameters));
}

/**
 * The parameters of a just-opened document, without lists of values: what answering needs. An
 * empty list means no prompts; the refresh is then a PUT without a body (§4.2).
 */
export async function readAnswerParameters(scope: Scope, documentId: number): Promise<Parameter[]> {
  return readParameters(
    await callJson(scope, {
      method: 'GET',
      path: `${raylight}/documents/${documentId}/parameters`,
      query: { lovInfo: false },
    }),
  );
}

const normalise = (name: string): string => name.trim().replace(/\s*:$/, '').toLowerCase();

/** The answer given for a parameter: by name or technical name, exactly, then loosely. */
function answerFor(
  parameter: Parameter,
  answers: Record<string, string[]>,
): [string, string[]] | undefined {
  const names = [parameter.name, parameter.technicalName];
  for (const [key, values] of Object.entries(answers)) {
    if (names.includes(key)) return [key, values];
  }
  for (const [key, values] of Object.entries(answers)) {
    if (names.some((n) => normalise(n) === normalise(key))) return [key, values];
  }
  return undefined;
}

/**
 * Answers the prompts and refreshes. Prompts without an answer keep their current values when
 * they have some; optional ones are sent empty; a mandatory one with nothing is BI_PROMPT_MISSING
 * before anything is sent for it. An answer that matched no prompt is BI_PROMPT_UNKNOWN. `first`
 * is what readAnswerParameters gave for the document, now or on an earlier export of it.
 */
export async function answerAndRefresh(
  scope: Scope,
  documentId: number,
  answers: Record<string, string[]>,
  first: readonly Parameter[],
): Promise<void> {
  const path = `${raylight}/documents/${documentId}/parameters`;
  const used = new Set<string>();
  const known = new Map<string, Parameter>();
  // How often each parameter came back after the very same answers: cascading prompts may need
  // one more round once their lists unlock, but not endless ones.
  const repeats = new Map<string, number>();
  let pending: readonly Parameter[] = first;

  for (let round = 0; round < maxRounds; round++) {
    for (const p of pending) known.set(p.id, p);
    const entries = pending.length === 0 ? [] : buildAnswers([...known.values()], answers, used);
    const signature = JSON.stringify(entries);
    const counts = pending.map((p) => {
      const key = `${p.id}\n${signature}`;
      const count = (repeats.get(key) ?? 0) + 1;
      repeats.set(key, count);
      return count;
    });
    if (round > 0 && counts.every((count) => count > 2)) {
      throw promptMissing(
        pending.map((p) => p.name),
        'the BI platform still asks for them',
      );
    }

    const response = await callJson(scope, {
      method: 'PUT',
      path,
      query: { lovInfo: false },
      slow: true,
      ...(entries.length > 0 && { json: { parameters: { parameter: entries } } }),
    });
    pending = response.success === undefined ? readParameters(response) : [];
    if (pending.length === 0) break;
  }
  if (pending.length > 0)
    throw promptMissing(
      pending.map((p) => p.name),
      'refresh did not finish',
    );

  const unknown = Object.keys(answers).filter((key) => !used.has(key));
  if (unknown.length > 0) {
    throw biError(
      BiErrorCode.promptUnknown,
      `The document has no prompt ${unknown.map((n) => `"${n}"`).join(', ')}`,
      {
        hint: `Its prompts are: ${[...known.values()].map((p) => `"${p.name}"`).join(', ') || 'none'}.`,
      },
    );
  }
}

function buildAnswers(
  parameters: Parameter[],
  answers: Record<string, string[]>,
  used: Set<string>,
): Json[] {
  const missing: string[] = [];
  const entries: Json[] = [];

  for (const parameter of parameters) {
    const given = answerFor(parameter, answers);
    if (given) used.add(given[0]);
    const values = given ? given[1] : parameter.current;

    if (values.length === 0) {
      if (parameter.mandatory) missing.push(parameter.name);
      // An optional prompt left empty is sent with an empty answer (§4.2).
      else entries.push({ id: parameter.id, answer: {} });
      continue;
    }
    if (values.length > 1 && parameter.cardinality === 'Single') {
      throw biError(
        BiErrorCode.promptInvalid,
        `Prompt "${parameter.name}" takes one value, ${values.length} were given`,
        {
          hint: 'Give it a single value, or burst over the values with a list in the publication.',
        },
      );
    }
    entries.push({ id: parameter.id, answer: { values: { value: values } } });
  }
  if (missing.length > 0) throw promptMissing(missing, 'no answer was given');
  return entries;
}

function promptMissing(names: string[], why: string) {
  return biError(
    BiErrorCode.promptMissing,
    names.length === 1
      ? `Prompt "${names[0]}" needs an answer (${why})`
      : `Prompts ${names.map((n) => `"${n}"`).join(', ')} need answers (${why})`,
    { hint: 'Answer each with --prompt "Name=Value", or under prompts: in the publication.' },
  );
}
