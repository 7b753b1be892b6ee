/**
 * A small validator for route arguments that fails with Dropbox's 400 wording ("unknown field
 * 'x'", "missing required field 'x'", "'p' did not match pattern '…'"; note §3.1, §7.5). Each
 * check returns the value as the handlers use it, with defaults applied.
 */

/** A rejected argument; the router prefixes where it came from (body, header, URL). */
export class ArgError extends Error {}

export type Check<T> = (value: unknown, at: string) => T;

interface FieldSpec<T> {
  check: Check<T>;
  required: boolean;
  fallback?: T;
}

/** A required field. */
export function req<T>(check: Check<T>): FieldSpec<T> {
  return { check, required: true };
}

/** An optional field, `fallback` when absent or null. */
export function opt<T>(check: Check<T>, fallback?: T): FieldSpec<T | undefined> {
  return fallback === undefined ? { check, required: false } : { check, required: false, fallback };
}

type Shape = Record<string, FieldSpec<unknown>>;
type Parsed<S extends Shape> = { [K in keyof S]: S[K] extends FieldSpec<infer T> ? T : never };

function where(at: string): string {
  return at === '' ? '' : `${at}: `;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return 'object';
}

function expected(at: string, what: string, value: unknown): never {
  throw new ArgError(`${where(at)}expected ${what}, got ${jsonKind(value)}`);
}

/** A JSON object with exactly these fields (unknown fields are refused, as Dropbox does). */
export function struct<S extends Shape>(shape: S): Check<Parsed<S>> {
  return (value, at) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      expected(at, 'object', value);
    }
    const input = value as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (!(key in shape) && key !== '.tag')
        throw new ArgError(`${where(at)}unknown field '${key}'`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(shape)) {
      const raw = input[key];
      const inner = at === '' ? key : `${at}.${key}`;
      if (raw === undefined || raw === null) {
        if (spec.required) throw new ArgError(`${where(at)}missing required field '${key}'`);
        out[key] = spec.fallback;
        continue;
      }
      out[key] = spec.check(raw, inner);
    }
    return out as Parsed<S>;
  };
}

export const str: Check<string> = (value, at) =>
  typeof value === 'string' ? value : expected(at, 'string', value);

export const bool: Check<boolean> = (value, at) =>
  typeof value === 'boolean' ? value : expected(at, 'boolean', value);

export const uint: Check<number> = (value, at) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? value
    : expected(at, 'unsigned integer', value);

/** A string no longer than `max` characters. */
export function strMax(max: number): Check<string> {
  return (value, at) => {
    const text = str(value, at);
    if (text.length > max) throw new ArgError(`${where(at)}'${text}' longer than ${max}`);
    return text;
  };
}

/** A string matching the route's Stone pattern (note §7.8). */
export function pattern(regex: RegExp, source: string): Check<string> {
  return (value, at) => {
    const text = str(value, at);
    if (!regex.test(text)) {
      throw new ArgError(`${where(at)}'${text}' did not match pattern '${source}'`);
    }
    return text;
  };
}

/** `DropboxTimestamp`: UTC, whole seconds (note §3.8). */
export const timestamp: Check<string> = (value, at) => {
  const text = str(value, at);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new ArgError(
      `${where(at)}time data '${text}' does not match format '%Y-%m-%dT%H:%M:%SZ'`,
    );
  }
  return text;
};

export function list<T>(of: Check<T>, max: number): Check<T[]> {
  return (value, at) => {
    if (!Array.isArray(value)) return expected(at, 'list', value);
    if (value.length > max) throw new ArgError(`${where(at)}list has more than ${max} items`);
    return value.map((item, i) => of(item, `${at}[${i}]`));
  };
}

/** A parsed union value: its tag and, for members with a value, that value. */
export interface Tagged {
  tag: string;
  value?: unknown;
}

/**
 * A Stone union. Members mapped to `null` are void (the compact "x" form is allowed); members with
 * a primitive check carry `{".tag": m, m: value}` (note §3.7).
 */
export function union(members: Record<string, Check<unknown> | null>): Check<Tagged> {
  return (value, at) => {
    if (typeof value === 'string') {
      if (!(value in members)) throw new ArgError(`${where(at)}unknown tag '${value}'`);
      if (members[value] !== null) {
        throw new ArgError(`${where(at)}expected object for '${value}', got symbol`);
      }
      return { tag: value };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return expected(at, 'object', value);
    }
    const input = value as Record<string, unknown>;
    const tag = input['.tag'];
    if (typeof tag !== 'string') throw new ArgError(`${where(at)}missing '.tag' key`);
    if (!(tag in members)) throw new ArgError(`${where(at)}unknown tag '${tag}'`);
    const check = members[tag];
    if (!check) return { tag };
    if (input[tag] === undefined) throw new ArgError(`${where(at)}missing required field '${tag}'`);
    return { tag, value: check(input[tag], at) };
  };
}

/** Decodes the JSON of an argument; Dropbox's wording for text that is not JSON. */
export function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ArgError('could not decode input as JSON');
  }
}
