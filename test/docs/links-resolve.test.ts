/** Every relative link in docs/ and README.md points at a file that exists, and at a heading in it. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { docsDir, pages } from './markdown.js';

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

const files = [...pages().map((p) => path.join(docsDir, p)), path.resolve('README.md')];

describe('links in the documentation', () => {
  it.each(files.map((f) => [path.relative(process.cwd(), f), f]))('%s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    for (const link of links.filter((l) => !/^[a-z]+:/.test(l))) {
      const [target, anchor] = link.split('#') as [string, string | undefined];
      const resolved = target ? path.resolve(path.dirname(file), target) : file;
      expect(existsSync(resolved), `${link} in ${file}`).toBe(true);
      if (anchor) expect(anchors(resolved).has(anchor), `${link} in ${file}`).toBe(true);
    }
  });

  it('every docs/ page that a message or help text in src/ names exists', () => {
    const src = path.resolve('src');
    const named = new Set<string>();
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(path.join(src, file), 'utf8');
      for (const [page] of text.matchAll(/docs\/[\w-]+\.md/g)) named.add(page);
    }
    expect(named.size).toBeGreaterThanOrEqual(2);
    for (const page of named) expect(existsSync(path.resolve(page)), page).toBe(true);
  });

  it('README.md links every page of docs/', () => {
    const readme = readFileSync(path.resolve('README.md'), 'utf8');
    const index = readFileSync(path.join(docsDir, 'README.md'), 'utf8');
    for (const page of pages().filter((p) => p !== 'README.md')) {
      expect(readme, page).toContain(`(docs/${page})`);
      expect(index, page).toContain(`(${page})`);
    }
  });
});
