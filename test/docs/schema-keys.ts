/**
 * Every key of the bidrop.yaml schema, walked from the zod schema itself, so the configuration
 * reference cannot miss a key that is added later.
 */
import type { z } from 'zod';

import { configSchema } from '../../src/config/index.js';

export interface SchemaKey {
  /** `bi.url`, `destinations.<name>.appKey`, `publications.<name>.documents[].id` */
  path: string;
  /** The default, when the schema fills one in. */
  defaultValue?: unknown;
}

type Def = { type: string } & Record<string, unknown>;

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** All key paths, in schema order; a discriminated union's keys merge under one path. */
export function schemaKeys(): SchemaKey[] {
  const keys = new Map<string, SchemaKey>();
  walk(configSchema, '', keys);
  return [...keys.values()];
}

function walk(schema: unknown, prefix: string, keys: Map<string, SchemaKey>): void {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      for (const [name, child] of Object.entries(def.shape as Record<string, z.ZodType>)) {
        const path = prefix ? `${prefix}.${name}` : name;
        const found = defaultOf(child);
        if (!keys.has(path)) keys.set(path, { path, ...found });
        walk(child, path, keys);
      }
      return;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      walk(def.innerType, prefix, keys);
      return;
    case 'pipe':
      walk(def.in, prefix, keys);
      return;
    case 'record':
      walk(def.valueType, `${prefix}.<name>`, keys);
      return;
    case 'array':
      walk(def.element, `${prefix}[]`, keys);
      return;
    case 'union':
      for (const option of def.options as unknown[]) walk(option, prefix, keys);
      return;
    default:
      return;
  }
}

function defaultOf(schema: unknown): { defaultValue?: unknown } {
  let def = defOf(schema);
  while (def.type === 'optional' || def.type === 'pipe') {
    def = defOf(def.type === 'pipe' ? def.in : def.innerType);
  }
  if (def.type !== 'default') return {};
  const value = def.defaultValue;
  return { defaultValue: typeof value === 'function' ? (value as () => unknown)() : value };
}
