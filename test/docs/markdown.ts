/** Reading docs/*.md for tests: the pages, and their fenced code blocks with the fence's words. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const docsDir = path.resolve('docs');

export interface Block {
  /** Page file name, e.g. `try-it.md`. */
  page: string;
  /** Line of the opening fence, 1-based. */
  line: number;
  /** First word of the fence: `sh`, `yaml`, `text`, ... */
  lang: string;
  /** The other words: `test`, `file=bidrop.yaml`, `publications`. */
  flags: string[];
  text: string;
}

/** The documentation pages, by file name. */
export function pages(): string[] {
  return readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .sort();
}

export function readPage(page: string): string {
  return readFileSync(path.join(docsDir, page), 'utf8');
}

/** Every fenced block of a page, in order. */
export function blocks(page: string): Block[] {
  const out: Block[] = [];
  const lines = readPage(page).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;

    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent));
    out.push({
      page,
      line: i + 1,
      lang: open[2]!,
      flags: open[3]!.split(/\s+/).filter(Boolean),
      text: `${body.join('\n')}\n`,
    });
    i = j;
  }
  return out;
}

/** The value of a `name=value` fence flag. */
export function flag(block: Block, name: string): string | undefined {
  return block.flags.find((f) => f.startsWith(`${name}=`))?.slice(name.length + 1);
}
