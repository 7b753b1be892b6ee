/**
 * The variables a run starts with: `azot.properties`, then the command-line arguments
 * (azot.md §1.3, sources 1 and 2).
 */
import { readFile } from 'node:fs/promises';

/**
 * Parses Java `.properties` text: `key=value`, `key: value` or `key value`, `#`/`!` comments,
 * a trailing backslash continuing the line, and the `\n`, `\t` and `\u` (four hex digits) escapes.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++i] ?? '').replace(/^\s+/, '');
    }
    const split = /^((?:\\.|[^\\:=\s])*)\s*[:=]?\s*(.*)$/s.exec(line);
    const key = unescape(split?.[1] ?? line);
    out.set(key, unescape(split?.[2] ?? ''));
  }
  return out;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}

/** Reads a properties file, or returns undefined when it does not exist. */
export async function readProperties(path: string): Promise<Map<string, string> | undefined> {
  try {
    return parseProperties(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Turns the arguments after the workflow file into variables. `name=value` keeps every `=` after
 * the first in the value (the original cut the value at the second `=`); a bare value is named
 * by its position, the workflow file itself being `0`.
 */
export function argumentVariables(
  workflowFile: string,
  args: readonly string[],
): Map<string, string> {
  const out = new Map<string, string>([['0', workflowFile]]);
  args.forEach((arg, index) => {
    const eq = arg.indexOf('=');
    if (eq > 0) out.set(arg.slice(0, eq), arg.slice(eq + 1));
    else out.set(String(index + 1), arg);
  });
  return out;
}
