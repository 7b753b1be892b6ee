/**
 * The wire format shared by every route: JSON or XML chosen by `Accept`, Raylight's mechanical
 * JSON mapping of XML (`@attr`, `$` text, a single element as a bare object), the two error
 * envelopes, and request bodies parsed from JSON or XML (sniffed when Content-Type is missing).
 * See bi4-rest.md sections 1.2 and 7.1.
 */
import type { IncomingMessage } from 'node:http';

import { XMLParser } from 'fast-xml-parser';

export type WireFormat = 'json' | 'xml';

/** A JSON value in Raylight's mapping; `toXml` turns it back into the XML it stands for. */
export type Wire = string | number | boolean | null | undefined | Wire[] | { [key: string]: Wire };

/** JSON when the client asks for it; XML otherwise, as the platform answers without `Accept`. */
export function negotiate(accept: string | undefined): WireFormat {
  return accept !== undefined && /application\/json/i.test(accept) ? 'json' : 'xml';
}

/** Raylight's JSON rule: one element is a bare object, several are an array, none is absent. */
export function many<T extends Wire>(items: T[]): T | T[] | undefined {
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : items;
}

/** Escapes text for an XML element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function element(name: string, value: Wire): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join('');
  if (value === null) return `<${name}/>`;
  if (typeof value !== 'object') return `<${name}>${escapeXml(String(value))}</${name}>`;

  let attrs = '';
  let inner = '';
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    if (key.startsWith('@')) attrs += ` ${key.slice(1)}="${escapeXml(String(child))}"`;
    else if (key === '$') inner += escapeXml(String(child));
    else inner += element(key, child);
  }
  return inner === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`;
}

/** Serializes `{ root: {...} }` as an XML document with that root element. */
export function toXml(body: Record<string, Wire>): string {
  const [name, value] = Object.entries(body)[0] ?? ['empty', null];
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(name, value)}`;
}

/** A Raylight-mapped body as JSON or XML. */
export function encode(body: Record<string, Wire>, format: WireFormat): string {
  return format === 'json' ? JSON.stringify(body) : toXml(body);
}

/** Thrown by route handlers; the server turns it into the envelope of the layer it came from. */
export class WireError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** The message text of an error, with its code appended the way the platform writes it. */
function withCode(error: WireError): string {
  return `${error.message} (${error.errorCode})`;
}

/** Raylight wraps errors in `error`; the platform (logon, infostore, cmsquery) does not in JSON. */
export function errorBody(
  error: WireError,
  layer: 'raylight' | 'platform',
  format: WireFormat,
): string {
  const fields = { error_code: error.errorCode, message: withCode(error) };
  if (format === 'xml') return toXml({ error: fields });
  return JSON.stringify(layer === 'raylight' ? { error: fields } : fields);
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a request body as text, refusing bodies past 1 MiB (no real request is near that). */
export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new WireError(400, 'WSR 00102', 'The request body is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// Attributes keep their `@` prefix and element text goes under `$`, so a parsed XML body has the
// same shape as its Raylight JSON form. Values stay strings; entities inside DTDs are never read
// because bodies with a DTD are refused before parsing.
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '$',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  // Values are kept as sent: a password may begin or end with a space.
  trimValues: false,
});

/**
 * Parses a request body as JSON or XML into the Raylight mapping. The Content-Type decides; when
 * it is missing the first character does (`<` or `{`), as some clients send XML without one.
 * An empty body gives `undefined`.
 */
export function parseBody(text: string, contentType: string | undefined): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;

  const declared = contentType?.toLowerCase() ?? '';
  const isJson =
    declared.includes('json') || (!declared.includes('xml') && trimmed.startsWith('{'));
  if (isJson) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      throw new WireError(400, 'WSR 00102', 'The request body is not valid JSON');
    }
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(trimmed)) {
    throw new WireError(400, 'WSR 00102', 'Document type declarations are not accepted');
  }
  if (!trimmed.startsWith('<')) {
    throw new WireError(400, 'WSR 00102', 'The request body is neither XML nor JSON');
  }
  try {
    return xmlParser.parse(trimmed, true) as unknown;
  } catch {
    throw new WireError(400, 'WSR 00102', 'The request body is not well-formed XML');
  }
}

/** A value that may be one item or several, as an array. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of a mapped value: a scalar, or the `$` of an element that has attributes. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (value && typeof value === 'object' && '$' in value) return textOf(value.$);
  return undefined;
}

/** A child of a mapped object, or undefined. */
export function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
