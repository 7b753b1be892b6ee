/**
 * What a `<response>` can read: the response-only variables (`header:…`, `meta:…`,
 * `azot-dump-filepath`) and Azot's value expressions `${xpath-expr:…}`, `${xpath-eval:…}` and
 * `${azot-replace:…}` (azot.md §1.3).
 */
import { STATUS_CODES } from 'node:http';
import type { Document, Element, Node } from '@xmldom/xmldom';
import * as xpath from 'xpath';

import { WorkflowError } from '../core/index.js';
import { substitute, type Lookup } from './scope.js';
import { at, parseXml, type Location } from './xml.js';

/** A received response, as far as captures and asserts can see it. */
export interface ResponseView {
  status: number;
  headers: Record<string, string>;
  /** The text body; undefined for a binary body or one saved to a file. */
  text: string | undefined;
  /** Absolute path of the file the body was written to, if any. */
  savedPath: string | undefined;
}

/** Prefix the original gives a default namespace (`azotns0`, `azotns1`, …). */
const DEFAULT_PREFIX = 'azotns';

/** Reads one response for one `<response>` element; parses its XML once, when first needed. */
export class ResponseReader {
  private document: Document | undefined;
  private namespaces: Map<string, string> | undefined;

  constructor(
    private readonly response: ResponseView,
    private readonly namespaceAware: boolean,
    private readonly callName: string,
  ) {}

  /** The response-only variables; header names match whatever their case. */
  lookup(): Lookup {
    const headers = new Map(
      Object.entries(this.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const status = this.response.status;
    return (id) => {
      if (id.startsWith('header:')) return headers.get(id.slice(7).toLowerCase());
      if (id === 'meta:HttpCode') return String(status);
      if (id === 'meta:Status') return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`.trim();
      if (id === 'meta:Content') return this.response.text || undefined;
      if (id === 'azot-dump-filepath') return this.response.savedPath;
      if (id.startsWith('meta:NameSpace:') && this.namespaceAware && this.response.text) {
        return this.prefixes(id.slice('meta:NameSpace:'.length));
      }
      return undefined;
    };
  }

  /**
   * Expands `value` as the original does for a capture or an assert: variables first, then, if
   * the result starts with `${xpath` or `${azot`, the expression it holds.
   */
  evaluate(value: string, lookup: Lookup, where: Location): string {
    const expanded = substitute(value, lookup);
    if (this.response.text === undefined) return expanded;

    for (const kind of ['xpath-expr', 'xpath-eval'] as const) {
      const prefix = `\${${kind}:`;
      if (!expanded.startsWith('${xpath') || !expanded.includes(prefix)) continue;
      const start = expanded.indexOf(prefix) + prefix.length;
      const expression = substitute(expanded.slice(start, expanded.lastIndexOf('}')), lookup);
      return this.xpath(kind, expression, value, where);
    }
    if (expanded.startsWith('${azot-replace:')) {
      const body = expanded.slice('${azot-replace:'.length, expanded.lastIndexOf('}'));
      // Unlike the original, the replacement may be empty ('"' → '' strips quotes).
      const parts = /^'(.+)','(.+)','(.*)'$/s.exec(body);
      if (!parts) {
        throw new WorkflowError(
          'WORKFLOW_INVALID_EXPRESSION',
          `${at(where)}: azot-replace needs 'value','old','new'`,
          {
            hint: "Write ${azot-replace:'${meta:Content}','old','new'}.",
          },
        );
      }
      return (parts[1] ?? '').split(parts[2] ?? '').join(parts[3] ?? '');
    }
    return expanded;
  }

  private xpath(
    kind: 'xpath-expr' | 'xpath-eval',
    expression: string,
    written: string,
    where: Location,
  ): string {
    const document = this.parsed(where);
    const resolver = {
      lookupNamespaceURI: (prefix: string | null) => this.uriOf(prefix ?? ''),
    };
    let result: xpath.SelectReturnType;
    try {
      const query = kind === 'xpath-eval' ? `string(${expression})` : expression;
      result = xpath.selectWithResolver(query, document as unknown as globalThis.Node, resolver);
    } catch (error) {
      throw new WorkflowError(
        'WORKFLOW_INVALID_XPATH',
        // The value as written, not as expanded: an expansion cut short by a stray "}" can hold
        // part of a secret, which redaction no longer recognises.
        `${at(where)}: the XPath in "${written}" cannot be evaluated: ${(error as Error).message}`,
        {
          hint: 'Check the expression; in a namespaced response set namespaceAware="true" and use its prefixes.',
          cause: error,
        },
      );
    }
    if (!Array.isArray(result)) return String(result ?? '');
    // Node values joined by single spaces; an element gives its text (the original gave "null").
    return result
      .map((node) => {
        const n = node as unknown as Node;
        return n.nodeType === n.ELEMENT_NODE ? (n.textContent ?? '') : (n.nodeValue ?? '');
      })
      .join(' ');
  }

  private parsed(where: Location): Document {
    if (this.document) return this.document;
    let text = this.response.text ?? '';
    // Without namespaceAware the original parsed names literally, so //logonToken matched in a
    // namespaced body; dropping default namespace declarations gives the same result.
    if (!this.namespaceAware) text = text.replace(/\sxmlns\s*=\s*("[^"]*"|'[^']*')/g, '');
    try {
      this.document = parseXml(text, `response of call '${this.callName}'`, 'response');
    } catch (error) {
      if (error instanceof WorkflowError && error.code === 'WORKFLOW_DTD_REFUSED') {
        throw new WorkflowError(
          'WORKFLOW_DTD_REFUSED',
          `${at(where)}: the response of '${this.callName}' declares a DOCTYPE, which bidrop refuses to read`,
          { hint: 'A BI or Dropbox response never needs one; check what answered this call.' },
        );
      }
      throw new WorkflowError(
        'WORKFLOW_RESPONSE_NOT_XML',
        `${at(where)}: an XPath capture needs an XML response, and the response of '${this.callName}' is not XML`,
        {
          hint: 'Ask for XML (header Accept: application/xml) or capture ${meta:Content}.',
          cause: error,
        },
      );
    }
    return this.document;
  }

  /** Prefix to namespace URI, built like the original: every declaration in document order. */
  private table(): Map<string, string> {
    if (this.namespaces) return this.namespaces;
    const byPrefix = new Map<string, string>();
    const seen = new Set<string>();
    const visit = (element: Element): void => {
      for (let i = 0; i < element.attributes.length; i++) {
        const attr = element.attributes.item(i);
        if (!attr || !(attr.name === 'xmlns' || attr.name.startsWith('xmlns:'))) continue;
        if (seen.has(attr.value)) continue;
        seen.add(attr.value);
        let prefix = attr.name === 'xmlns' ? DEFAULT_PREFIX : attr.name.slice(6);
        if (prefix === DEFAULT_PREFIX) {
          let n = 0;
          while (byPrefix.has(`${DEFAULT_PREFIX}${n}`)) n++;
          prefix = `${DEFAULT_PREFIX}${n}`;
        }
        byPrefix.set(prefix, attr.value);
      }
      for (let child = element.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === child.ELEMENT_NODE) visit(child as Element);
      }
    };
    const root = this.document?.documentElement;
    if (root) visit(root);
    this.namespaces = byPrefix;
    return byPrefix;
  }

  private uriOf(prefix: string): string | null {
    return this.table().get(prefix === '' ? `${DEFAULT_PREFIX}0` : prefix) ?? null;
  }

  private prefixes(uri: string): string | undefined {
    this.parsed({ file: 'response', line: 0 });
    for (const [prefix, value] of this.table()) if (value === uri) return prefix;
    return undefined;
  }
}
