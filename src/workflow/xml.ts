/**
 * Safe XML parsing for workflow files and response bodies. Both are untrusted: a DOCTYPE is
 * refused outright (no DTD, no entity declarations, hence no external entities and no entity
 * bombs), and @xmldom/xmldom never fetches anything itself.
 */
import { DOMParser, type Document } from '@xmldom/xmldom';

import { WorkflowError } from '../core/index.js';

/** Where something is in a workflow file, for messages. */
export interface Location {
  file: string;
  line: number;
}

/** `file:line`, the form editors and terminals turn into links. */
export function at(location: Location): string {
  return `${location.file}:${location.line}`;
}

/** The 1-based line of `index` in `text`. */
function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * xmldom places a tag mismatch at the opening tag; the fault is the closing tag that does not
 * match, so point there instead.
 */
function faultLine(text: string, problem: { message: string; line: number }): number {
  const mismatch = /tag mismatch: "[^"]*" != "([^"]*)"/.exec(problem.message);
  if (!mismatch) return problem.line;
  let offset = 0;
  for (let line = 1; line < problem.line && offset >= 0; line++)
    offset = text.indexOf('\n', offset) + 1;
  const closing = text.indexOf(`</${mismatch[1]}`, Math.max(0, offset));
  return closing < 0 ? problem.line : lineOf(text, closing);
}

/**
 * Parses `text` into a DOM or throws a WorkflowError naming `file` and the line. `what` says in
 * the message what was being read ("workflow", "response of call 'Logon'").
 */
export function parseXml(text: string, file: string, what = 'workflow'): Document {
  // Refused before the parser sees it, so not even an internal subset is ever read.
  const declaration = /<!(DOCTYPE|ENTITY)\b/i.exec(text);
  if (declaration) {
    const line = lineOf(text, declaration.index);
    throw new WorkflowError(
      'WORKFLOW_DTD_REFUSED',
      `${file}:${line}: the ${what} contains a <!${declaration[1]}> declaration, which bidrop refuses`,
      { hint: 'Remove the DOCTYPE: workflows and responses are read without DTDs or entities.' },
    );
  }

  let problem: { message: string; line: number } | undefined;
  const parser = new DOMParser({
    onError: (level, message, context: unknown) => {
      if (level === 'warning') return;
      const locator = (context as { locator?: { lineNumber?: number } } | undefined)?.locator;
      problem ??= { message, line: Math.max(1, locator?.lineNumber ?? 1) };
      throw new Error(message);
    },
  });

  let document: Document | undefined;
  try {
    document = parser.parseFromString(text, 'text/xml');
  } catch (error) {
    const line = problem ? faultLine(text, problem) : 1;
    const message = problem?.message ?? (error instanceof Error ? error.message : String(error));
    throw new WorkflowError(
      'WORKFLOW_INVALID_XML',
      `${file}:${line}: invalid XML in the ${what}: ${message}`,
      {
        hint: 'Fix the XML at that line (unclosed tag, stray "&" or "<", mismatched quotes).',
        cause: error,
      },
    );
  }

  if (!document.documentElement || document.doctype) {
    throw new WorkflowError('WORKFLOW_INVALID_XML', `${file}:1: the ${what} has no root element`, {
      hint: 'A workflow file starts with <workflow name="...">.',
    });
  }
  return document;
}
