/**
 * Path patterns and validation (note §7.8). A value failing the route's Stone pattern is a 400;
 * one that matches but cannot name a file (trailing slash, empty or dot components, forbidden
 * characters) is a 409 `malformed_path` [inferred, open question 1].
 */
import { pattern, type Check } from './args.js';

const WRITE_PATH_SOURCE = '(/(.|[\\r\\n])*)|(ns:[0-9]+(/(.|[\\r\\n])*)?)';
const WRITE_PATH_OR_ID_SOURCE = '(/(.|[\\r\\n])*)|(ns:[0-9]+(/(.|[\\r\\n])*)?)|(id:.*)';
const READ_PATH_SOURCE = '(/(.|[\\r\\n])*|id:.*)|(rev:[0-9a-f]{9,})|(ns:[0-9]+(/(.|[\\r\\n])*)?)';
const PATH_R_OR_ID_SOURCE = '(/(.|[\\r\\n])*)?|id:.*|(ns:[0-9]+(/(.|[\\r\\n])*)?)';

const full = (source: string) => new RegExp(`^(?:${source})$`, 'u');

/** Folder targets: `/…`, `ns:<n>/…`. */
export const writePath: Check<string> = pattern(full(WRITE_PATH_SOURCE), WRITE_PATH_SOURCE);
/** Upload and folder targets: `/…`, `id:…`, `ns:<n>/…`. */
export const writePathOrId: Check<string> = pattern(
  full(WRITE_PATH_OR_ID_SOURCE),
  WRITE_PATH_OR_ID_SOURCE,
);
/** Lookups: also `rev:<hex>`. */
export const readPath: Check<string> = pattern(full(READ_PATH_SOURCE), READ_PATH_SOURCE);
/** list_folder: also the root as `""`. */
export const pathROrId: Check<string> = pattern(full(PATH_R_OR_ID_SOURCE), PATH_R_OR_ID_SOURCE);

/** Names Dropbox will not store (note §7.8). */
const DISALLOWED_NAMES = new Set([
  'desktop.ini',
  'thumbs.db',
  '.ds_store',
  'icon\r',
  '.dropbox',
  '.dropbox.attr',
]);

/** Longest component, in UTF-16 units (note §7.8). */
export const MAX_NAME_LENGTH = 255;

export type PathRef =
  | { kind: 'path'; display: string }
  | { kind: 'id'; id: string; rest: string }
  | { kind: 'rev'; rev: string };

/** Why a path cannot name anything, or undefined when it is well formed. */
export function malformedReason(display: string): string | undefined {
  if (display === '') return undefined;
  if (!display.startsWith('/')) return 'path must start with "/"';
  if (display.endsWith('/')) return 'path must not end with "/"';
  if (/[\uD800-\uDFFF]/u.test(display)) return 'path is not valid Unicode';
  for (const name of display.slice(1).split('/')) {
    if (name === '') return 'path has an empty component';
    if (name === '.' || name === '..') return 'path has a "." or ".." component';
    if (['\u0000', '\u007f', '\\'].some((c) => name.includes(c)))
      return 'path has a forbidden character';
    if (/\s$/u.test(name)) return 'a name must not end with whitespace';
    if (name.length > MAX_NAME_LENGTH) return `a name is longer than ${MAX_NAME_LENGTH}`;
  }
  return undefined;
}

/** True when Dropbox refuses to store a file under this name. */
export function isDisallowedName(name: string): boolean {
  return DISALLOWED_NAMES.has(name.toLowerCase());
}

/**
 * Splits a validated argument into what it addresses. `ns:<home>/…` is the user's own root;
 * any other namespace is answered as not found by the caller (one personal account only).
 */
export function parseRef(value: string, homeNamespace: string): PathRef | undefined {
  if (value.startsWith('rev:')) return { kind: 'rev', rev: value.slice(4) };
  if (value.startsWith('id:')) {
    const slash = value.indexOf('/');
    return slash < 0
      ? { kind: 'id', id: value, rest: '' }
      : { kind: 'id', id: value.slice(0, slash), rest: value.slice(slash) };
  }
  if (value.startsWith('ns:')) {
    const match = /^ns:([0-9]+)(\/.*)?$/su.exec(value);
    if (!match || match[1] !== homeNamespace) return undefined;
    return { kind: 'path', display: match[2] ?? '' };
  }
  return { kind: 'path', display: value };
}

/** The lowercase key Dropbox compares paths by. */
export function lowerPath(display: string): string {
  return display.toLowerCase();
}

/** Parent path ("" for a top-level item) and last name. */
export function splitPath(display: string): { parent: string; name: string } {
  const slash = display.lastIndexOf('/');
  return { parent: display.slice(0, slash), name: display.slice(slash + 1) };
}
