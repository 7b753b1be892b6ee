/**
 * Reads a workflow file into the model, checking it against the Azot grammar (azot.md §1.2):
 * an unknown element or attribute, a missing required attribute, a bad boolean or a `<plugin>`
 * stops everything before the first call is sent, with the file and line.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Element, Node } from '@xmldom/xmldom';

import { WorkflowError } from '../core/index.js';
import {
  EXTENSIONS_NS,
  type AssertDecl,
  type CallStep,
  type RequestDecl,
  type ResponseDecl,
  type Step,
  type VariableDecl,
  type WorkflowDef,
} from './model.js';
import { parseXml, type Location } from './xml.js';

const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Attributes each element accepts: Azot's own, then bidrop's (in EXTENSIONS_NS). */
const grammar: Record<string, { attrs: string[]; extensions?: string[] }> = {
  workflow: { attrs: ['name', 'filename', 'fork'] },
  context: { attrs: [] },
  variable: { attrs: ['id', 'value', 'overwrite', 'report'], extensions: ['secret'] },
  call: { attrs: ['name'] },
  request: { attrs: ['url', 'method'], extensions: ['body-file'] },
  header: { attrs: ['name', 'value'] },
  content: { attrs: ['name', 'type'] },
  'external-content': { attrs: ['name', 'type', 'filename'] },
  response: { attrs: ['namespaceAware'], extensions: ['save-to'] },
  assert: { attrs: ['expected', 'actual'] },
  raw: { attrs: ['code', 'status'] },
  loop: { attrs: ['in', 'variableId'] },
  repeat: { attrs: ['times', 'variableId'] },
  plugin: { attrs: ['name'] },
};

/** Reads and checks `file`; `includedFrom` names the `<workflow filename>` that pointed at it. */
export async function loadWorkflow(file: string, includedFrom?: Location): Promise<WorkflowDef> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const where = includedFrom ? `${includedFrom.file}:${includedFrom.line}: ` : '';
    throw new WorkflowError('WORKFLOW_FILE_NOT_FOUND', `${where}cannot read workflow ${path}`, {
      hint: 'Check the path; relative paths are read from the working directory.',
      cause: error,
    });
  }
  return parseWorkflow(text, path);
}

/** Checks the XML `text` of the workflow file `file` into the model. */
export function parseWorkflow(text: string, file: string): WorkflowDef {
  const root = parseXml(text, file).documentElement as Element;
  const reader = new Reader(file);
  reader.check(root, 'workflow');
  if (root.getAttribute('filename') !== null || root.getAttribute('fork') !== null) {
    throw reader.error(root, 'WORKFLOW_UNKNOWN_ATTRIBUTE', 'the root <workflow> takes only "name"');
  }

  let context: VariableDecl[] = [];
  const steps: Step[] = [];
  for (const child of reader.children(root)) {
    if (child.localName === 'context') {
      if (context.length > 0 || steps.length > 0) {
        throw reader.error(child, 'WORKFLOW_UNKNOWN_ELEMENT', '<context> must come first, once');
      }
      reader.check(child, 'context');
      context = reader.children(child).map((v) => reader.variable(v, 'context'));
    } else {
      steps.push(reader.step(child, 'workflow'));
    }
  }
  return { file, name: root.getAttribute('name') ?? '', context, steps };
}

class Reader {
  constructor(readonly file: string) {}

  error(node: Node, code: string, message: string, hint?: string): WorkflowError {
    const line = node.lineNumber ?? 1;
    return new WorkflowError(code, `${this.file}:${line}: ${message}`, {
      hint:
        hint ?? 'See the Azot grammar in docs (azot.xsd); bidrop additions use the bidrop: prefix.',
    });
  }

  where(node: Node): Location {
    return { file: this.file, line: node.lineNumber ?? 1 };
  }

  /** Element children, refusing anything in bidrop's namespace (it defines no elements). */
  children(element: Element): Element[] {
    const out: Element[] = [];
    for (let node = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === node.ELEMENT_NODE) out.push(node as Element);
    }
    return out;
  }

  /** Checks that `element` is a `<name>` and carries only attributes `name` accepts. */
  check(element: Element, name: string): void {
    if (element.localName !== name || element.namespaceURI === EXTENSIONS_NS) {
      throw this.unknown(element, name);
    }
    const spec = grammar[name] ?? { attrs: [] };
    for (let i = 0; i < element.attributes.length; i++) {
      const attr = element.attributes.item(i);
      if (!attr) continue;
      const ns = attr.namespaceURI;
      if (ns === XMLNS_NS || ns === XSI_NS || attr.name === 'xmlns') continue;
      const allowed =
        ns === EXTENSIONS_NS
          ? (spec.extensions ?? []).includes(attr.localName ?? '')
          : !ns && spec.attrs.includes(attr.name);
      if (!allowed) {
        throw this.error(
          element,
          'WORKFLOW_UNKNOWN_ATTRIBUTE',
          `unknown attribute "${attr.name}" on <${name}>`,
          `<${name}> accepts: ${[...spec.attrs, ...(spec.extensions ?? []).map((e) => `bidrop:${e}`)].join(', ') || 'no attributes'}.`,
        );
      }
    }
  }

  unknown(element: Element, expected: string): WorkflowError {
    return this.error(
      element,
      'WORKFLOW_UNKNOWN_ELEMENT',
      `unexpected element <${element.nodeName}> where <${expected}> was expected`,
    );
  }

  required(element: Element, name: string): string {
    const value = element.getAttribute(name);
    if (value === null) {
      throw this.error(
        element,
        'WORKFLOW_MISSING_ATTRIBUTE',
        `<${element.localName}> needs a "${name}" attribute`,
      );
    }
    return value;
  }

  boolean(element: Element, name: string, fallback: boolean, ns?: string): boolean {
    const value = ns ? element.getAttributeNS(ns, name) : element.getAttribute(name);
    if (value === null || value === '') return fallback;
    const text = value.trim();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    throw this.error(
      element,
      'WORKFLOW_INVALID_ATTRIBUTE',
      `"${name}" must be true or false, not "${value}"`,
    );
  }

  extension(element: Element, name: string): string | undefined {
    return element.getAttributeNS(EXTENSIONS_NS, name) ?? undefined;
  }

  variable(element: Element, parent: string): VariableDecl {
    if (element.localName !== 'variable') throw this.unknown(element, `variable> in <${parent}`);
    this.check(element, 'variable');
    if (this.children(element).length > 0) {
      throw this.unknown(this.children(element)[0] as Element, 'nothing');
    }
    return {
      ...this.where(element),
      id: this.required(element, 'id'),
      value: element.getAttribute('value') ?? '',
      overwrite: this.boolean(element, 'overwrite', true),
      report: this.boolean(element, 'report', false),
      secret: this.boolean(element, 'secret', false, EXTENSIONS_NS),
    };
  }

  step(element: Element, parent: string): Step {
    switch (element.localName) {
      case 'call':
        return this.call(element);
      case 'workflow': {
        this.check(element, 'workflow');
        if (element.getAttribute('name') !== null) {
          throw this.error(
            element,
            'WORKFLOW_UNKNOWN_ATTRIBUTE',
            'an included <workflow> takes "filename" and "fork", not "name"',
          );
        }
        return {
          kind: 'workflow',
          ...this.where(element),
          filename: this.required(element, 'filename'),
          fork: this.boolean(element, 'fork', false),
          variables: this.children(element).map((v) => this.variable(v, 'workflow')),
        };
      }
      case 'loop':
      case 'repeat': {
        const kind = element.localName;
        this.check(element, kind);
        const steps = this.children(element).map((child) => this.step(child, kind));
        const variableId = this.required(element, 'variableId');
        return kind === 'loop'
          ? { kind, ...this.where(element), in: this.required(element, 'in'), variableId, steps }
          : {
              kind,
              ...this.where(element),
              times: this.required(element, 'times'),
              variableId,
              steps,
            };
      }
      case 'plugin':
        throw this.pluginRefused(element);
      default:
        throw this.unknown(element, `call>, <workflow>, <loop> or <repeat> in <${parent}`);
    }
  }

  pluginRefused(element: Element): WorkflowError {
    this.check(element, 'plugin');
    return this.error(
      element,
      'WORKFLOW_PLUGIN_UNSUPPORTED',
      `<plugin name="${element.getAttribute('name') ?? ''}"> calls a Java class, which bidrop cannot run`,
      'Replace the plugin with calls, captures (xpath-eval, azot-replace) or bidrop: attributes.',
    );
  }

  call(element: Element): CallStep {
    this.check(element, 'call');
    let request: RequestDecl | undefined;
    let response: ResponseDecl | undefined;
    for (const child of this.children(element)) {
      if (child.localName === 'request' && !request && !response) request = this.request(child);
      else if (child.localName === 'response' && !response) response = this.response(child);
      else throw this.unknown(child, 'request> then <response');
    }
    return {
      kind: 'call',
      ...this.where(element),
      name: element.getAttribute('name') ?? '',
      request,
      response,
    };
  }

  request(element: Element): RequestDecl {
    this.check(element, 'request');
    const request: RequestDecl = {
      ...this.where(element),
      url: this.required(element, 'url'),
      method: (element.getAttribute('method') ?? 'GET').trim().toUpperCase() || 'GET',
      headers: [],
      contents: [],
      externalContents: [],
      bodyFile: this.extension(element, 'body-file'),
    };
    for (const child of this.children(element)) {
      const name = child.localName ?? '';
      if (name === 'header') {
        this.check(child, 'header');
        request.headers.push({
          ...this.where(child),
          name: this.required(child, 'name'),
          value: child.getAttribute('value') ?? '',
        });
      } else if (name === 'content') {
        this.check(child, 'content');
        if (this.children(child).length > 0) {
          throw this.error(
            child,
            'WORKFLOW_UNKNOWN_ELEMENT',
            '<content> holds text only; wrap XML bodies in <![CDATA[ ... ]]>',
          );
        }
        request.contents.push({
          ...this.where(child),
          name: child.getAttribute('name') ?? '',
          type: child.getAttribute('type') ?? '',
          text: child.textContent ?? '',
        });
      } else if (name === 'external-content') {
        this.check(child, 'external-content');
        request.externalContents.push({
          ...this.where(child),
          name: child.getAttribute('name') ?? '',
          type: child.getAttribute('type') ?? '',
          filename: this.required(child, 'filename'),
        });
      } else {
        throw this.unknown(child, 'header>, <content> or <external-content');
      }
    }
    return request;
  }

  response(element: Element): ResponseDecl {
    this.check(element, 'response');
    const variables: VariableDecl[] = [];
    const asserts: AssertDecl[] = [];
    for (const child of this.children(element)) {
      const name = child.localName ?? '';
      if (name === 'variable') variables.push(this.variable(child, 'response'));
      else if (name === 'assert') {
        this.check(child, 'assert');
        asserts.push({
          ...this.where(child),
          expected: child.getAttribute('expected') ?? '',
          actual: child.getAttribute('actual') ?? '',
        });
      } else if (name === 'plugin') throw this.pluginRefused(child);
      else if (name === 'raw') {
        // Filled in by the original engine after a call; a saved copy is ignored, not replayed.
        this.check(child, 'raw');
      } else throw this.unknown(child, 'variable>, <assert> or <raw');
    }
    return {
      ...this.where(element),
      namespaceAware: this.boolean(element, 'namespaceAware', false),
      variables,
      asserts,
      saveTo: this.extension(element, 'save-to'),
    };
  }
}
