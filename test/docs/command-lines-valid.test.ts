/**
 * Every `bidrop ...` command line written anywhere in the docs (not only the ones the emulator
 * test runs) names a real command and only options that command has.
 */
import { describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.js';
import { blocks, pages, readPage } from './markdown.js';

async function help(args: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const sink = {
    write: (chunk: string | Uint8Array): boolean => {
      text += chunk.toString();
      return true;
    },
  } as NodeJS.WritableStream;
  const code = await main([...args, '--help'], { stdout: sink, stderr: sink });
  return { code, text };
}

/** Words of a command line, quotes removed; stops at a comment, pipe, redirection or `&&`. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const [, dq, sq, bare] of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    if (bare !== undefined && /^(#|\||&&|>|>>|2>&1|;|\\)/.test(bare)) break;
    // A quote closing an enclosing `sh -c '...'` is not part of the word.
    out.push(dq ?? sq ?? bare!.replace(/['"]+$/, ''));
  }
  return out;
}

const topHelp = (await help([])).text;
/** What may follow `bidrop`: a command, or a global option. */
const starters = new Set([
  ...[...topHelp.split(/^Commands:$/m)[1]!.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!),
  '-c',
  '--config',
  '--debug',
  '--log-level',
  '--json-logs',
]);

/** `bidrop ...` lines from code blocks and indented examples, with where they are. */
function commandLines(): Array<{ where: string; args: string[] }> {
  const found: Array<{ where: string; args: string[] }> = [];
  const take = (where: string, text: string): void => {
    for (const line of text.replace(/\\\n\s*/g, ' ').split('\n')) {
      if (/^\s*#/.test(line)) continue;
      // `bidrop` followed by a command or a global option; not `sudo -u bidrop`, `/opt/bidrop`.
      const at = [...line.matchAll(/(?<=^|\s)bidrop (?=([a-z-]+))/g)].find((m) =>
        starters.has(m[1]!),
      );
      if (!at) continue;
      const args = words(line.slice(at.index + at[0].length));
      found.push({ where: `${where}: ${line.trim()}`, args });
    }
  };
  for (const page of pages()) {
    for (const b of blocks(page).filter((b) => ['sh', 'ini', ''].includes(b.lang))) {
      take(`${page}:${b.line}`, b.text);
    }
    // Indented examples (four spaces), as in commands.md and README.md.
    const indented = readPage(page)
      .split('\n')
      .filter((l) => /^ {4}bidrop /.test(l))
      .join('\n');
    take(page, indented);
  }
  return found;
}

const globalsWithValue = new Set(['-c', '--config', '--log-level']);

/** What is wrong with a command line (without `bidrop`): an unknown command or option. */
async function problems(args: readonly string[]): Promise<string[]> {
  const rest = [...args];
  const path: string[] = [];
  // Global options first, then the command words up to the first option or argument.
  while (rest[0]?.startsWith('-')) {
    const option = rest.shift()!;
    if (globalsWithValue.has(option)) rest.shift();
  }
  let current = topHelp;
  while (rest.length && /^[a-z][a-z-]*$/.test(rest[0]!)) {
    if (!current.includes(`\n  ${rest[0]} `)) break;
    path.push(rest.shift()!);
    current = (await help(path)).text;
  }
  if (path.length === 0) return [`no command in "${args.join(' ')}"`];

  const found: string[] = [];
  for (const option of rest.filter((w) => /^--?[a-z]/i.test(w))) {
    const name = option.split('=')[0]!;
    const known = new RegExp(`(^|[\\s,])${name}[\\s,<[]`, 'm');
    if (!known.test(current) && !known.test(topHelp)) found.push(`${path.join(' ')} ${name}`);
  }
  return found;
}

describe('bidrop command lines in docs/', () => {
  const lines = commandLines();

  it('finds them, and the check refuses an unknown command or option', async () => {
    expect(lines.length).toBeGreaterThan(40);
    expect(await problems(['frobnicate'])).toHaveLength(1);
    expect(await problems(['run', '--dry-run', '--nope'])).toEqual(['run --nope']);
    expect(await problems(['--config', 'x.yaml', 'auth', 'dropbox', '--no-browser'])).toEqual([]);
  });

  it.each(lines.map((l) => [l.where, l.args] as const))('%s', async (_where, args) => {
    expect(await problems(args)).toEqual([]);
  });
});
