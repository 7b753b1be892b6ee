/**
 * Readers for the JSON the BI platform sends. Raylight maps its XML mechanically
 * (bi4-rest.md §1.2): attributes become `@name` keys, text beside attributes becomes `$`, and a
 * single repeated element arrives as a bare object instead of a one-item array. Ids may be numbers
 * or strings. These helpers absorb all of that so the callers read plain values.
 */

export type Json = Record<string, unknown>;

/** The value as a list: absent → [], a bare object → [it], an array → itself. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** The value as an object, or an empty one. */
export function asObject(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** Text of a scalar or of a `{"$": …}` element; undefined when there is none. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object' && '$' in value) return text((value as Json).$);
  return undefined;
}

/** An integer id sent as a number or a string; undefined when it is neither. */
export function toId(value: unknown): number | undefined {
  const raw = text(value);
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

/** A boolean sent as `true` or as the string `"true"` (attributes are always strings). */
export function toBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const raw = text(value)?.trim().toLowerCase();
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return undefined;
}

/** The first present key among `names` (XML attribute or element spelling). */
export function pick(object: Json, ...names: string[]): unknown {
  for (const name of names) {
    if (object[name] !== undefined) return object[name];
  }
  return undefined;
}
