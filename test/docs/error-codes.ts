/** The error codes bidrop can print, found in src/ the way a reader would grep for them. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Quoted upper-case names that are not bidrop's codes: CMS properties, Node and undici codes. */
const notCodes = /^(SI|CI|UND|ERR|EAI)_/;

/** Every `'AREA_NAME'` literal under src/ that is an error code, sorted. */
export function codesInSource(root = path.resolve('src')): string[] {
  const codes = new Set<string>();
  for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(path.join(root, file), 'utf8');
    // ABORTED is the one code without an area prefix (core/errors.ts).
    for (const [, code] of text.matchAll(/['"`]([A-Z][A-Z0-9]+_[A-Z0-9_]+|ABORTED)['"`]/g)) {
      if (!notCodes.test(code!)) codes.add(code!);
    }
  }
  return [...codes].sort();
}

/** Codes a page documents: the first cell of each table row, written as `CODE`. */
export function codesInTables(markdown: string): string[] {
  const codes: string[] = [];
  for (const [, code] of markdown.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)) codes.push(code!);
  return codes;
}
