/**
 * docs/configuration.md against the code: every schema key with its default, every path token,
 * every date token and every BIDROP_* variable the source reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { dateTokenNames, fixedTokens } from '../../src/publish/index.js';
import { readPage } from './markdown.js';
import { schemaKeys } from './schema-keys.js';

const page = readPage('configuration.md');

/** Table rows by their first cell, written as `name`. */
const rows = new Map<string, string[]>();
for (const line of page.split('\n')) {
  const match = /^\| `([^`]+)` +\|/.exec(line);
  if (match)
    rows.set(
      match[1]!,
      line.split(/ +\| +/).map((c) => c.replace(/^\| |\s*\|$/g, '')),
    );
}

/** A default as the reference writes it: `4`, `secEnterprise`, `[pdf]`, `{}`. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (value && typeof value === 'object') return '{}';
  return String(value);
}

describe('docs/configuration.md', () => {
  const keys = schemaKeys();

  it('walks the whole schema (the walk itself works)', () => {
    expect(keys.map((k) => k.path)).toEqual(
      expect.arrayContaining(['bi.url', 'destinations.<name>.appKey', 'publications.<name>.to']),
    );
    expect(keys.length).toBeGreaterThan(40);
  });

  it('has a row for every key of the schema', () => {
    expect(keys.map((k) => k.path).filter((p) => !rows.has(p))).toEqual([]);
  });

  it('shows each default as the schema sets it', () => {
    for (const key of keys.filter((k) => k.defaultValue !== undefined)) {
      expect(rows.get(key.path)?.[2], key.path).toBe(`\`${shown(key.defaultValue)}\``);
    }
  });

  it('lists no key the schema does not have', () => {
    const known = new Set(keys.map((k) => k.path));
    const listed = [...rows.keys()].filter((k) => /^[a-z]/.test(k) && !k.includes(' '));
    expect(listed.filter((k) => !known.has(k))).toEqual([]);
  });

  it('lists every path token and every named date token', () => {
    for (const token of fixedTokens) expect(page, token).toContain(`\`{${token}}\``);
    for (const name of dateTokenNames.filter((n) => !/N/.test(n))) {
      expect(page, name).toContain(`{${name}}`);
    }
  });

  it('lists every BIDROP_* environment variable the source reads', () => {
    const src = path.resolve('src');
    const read = new Set<string>();
    const ownVariables = new Set<string>();
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(path.join(src, file), 'utf8');
      for (const [, name] of text.matchAll(/env\.(BIDROP_[A-Z_]+)/g)) read.add(name!);
      // A variable bidrop sets for itself (the demo's password) is not for the reader to set.
      for (const [, name] of text.matchAll(/env\.(BIDROP_[A-Z_]+) = /g)) ownVariables.add(name!);
    }
    for (const name of ownVariables) read.delete(name);
    expect(read.size).toBeGreaterThanOrEqual(8);
    expect([...read].filter((name) => !rows.has(name))).toEqual([]);
  });
});
