/**
 * `bidrop --help` and `bidrop COMMAND --help`: every command shows examples, and docs/commands.md
 * documents every command with the same examples and every option its help lists.
 */
import { describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.js';
import { readPage } from './markdown.js';

async function help(args: string[]): Promise<string> {
  let out = '';
  const sink = {
    write: (chunk: string | Uint8Array): boolean => {
      out += chunk.toString();
      return true;
    },
  } as NodeJS.WritableStream;
  const code = await main([...args, '--help'], { stdout: sink, stderr: sink });
  expect(code, `bidrop ${args.join(' ')} --help`).toBe(0);
  return out;
}

/** Command names from a help text's "Commands:" list, without `help`. */
function commandsIn(text: string): string[] {
  const section = text.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? '';
  return [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
}

function examplesIn(text: string): string[] {
  const section = text.split(/^Examples:$/m)[1] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('  '))
    .map((l) => l.trim());
}

const reference = readPage('commands.md');

/** The part of docs/commands.md under `## bidrop NAME`. */
function sectionOf(name: string): string | undefined {
  const parts = reference.split(/^## /m);
  return parts.find((p) => p.startsWith(`bidrop ${name}\n`));
}

const top = await help([]);
const commands: string[][] = [];
/** Commands that only group others (`auth`, `workflow`, `import`), with their help. */
const groups = new Map<string, string>();
for (const name of commandsIn(top)) {
  const text = await help([name]);
  const sub = commandsIn(text);
  if (sub.length) groups.set(name, text);
  if (sub.length) commands.push(...sub.map((s) => [name, s]));
  else commands.push([name]);
}

describe('bidrop --help', () => {
  it('lists the commands, with examples, exit codes, variables and where the docs are', () => {
    expect(commands.map((c) => c.join(' '))).toEqual(
      expect.arrayContaining(['init', 'auth dropbox', 'run', 'serve', 'workflow run']),
    );
    expect(examplesIn(top).length).toBeGreaterThanOrEqual(3);
    expect(top).toContain('Exit codes: 0');
    expect(top).toContain('BIDROP_HOME');
    expect(top).toContain('docs/README.md');
  });

  it('shows examples under every command group too', () => {
    expect(groups.size).toBeGreaterThanOrEqual(2);
    for (const [name, text] of groups) {
      expect(examplesIn(text).length, name).toBeGreaterThanOrEqual(1);
      for (const example of examplesIn(text)) expect(example).toMatch(`bidrop ${name} `);
    }
  });

  it('docs/commands.md has a section for every command and no other', () => {
    const headings = [...reference.matchAll(/^## bidrop (.+)$/gm)].map((m) => m[1]!);
    expect(headings.sort()).toEqual(commands.map((c) => c.join(' ')).sort());
  });
});

describe.each(commands.map((c) => [c.join(' '), c] as const))('bidrop %s --help', (name, args) => {
  it('shows examples that start with bidrop and appear in docs/commands.md', async () => {
    const text = await help([...args]);
    const examples = examplesIn(text);
    expect(examples.length, name).toBeGreaterThanOrEqual(1);
    const section = sectionOf(name) ?? '';
    for (const example of examples) {
      expect(example).toMatch(new RegExp(`^bidrop (--config \\S+ )?${name} ?`));
      expect(section, `docs/commands.md, bidrop ${name}`).toContain(`    ${example}\n`);
    }
  });

  it('has every option it lists described in docs/commands.md', async () => {
    const options = [...(await help([...args])).matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)]
      .map((m) => m[1]!)
      .filter((o) => o !== '--help');
    const section = sectionOf(name) ?? '';
    for (const option of options) expect(section, `${name} ${option}`).toContain(option);
  });
});
