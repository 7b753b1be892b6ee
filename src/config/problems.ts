import { ConfigError } from '../core/index.js';

/** One thing wrong in a configuration file, with its place. */
export interface ConfigProblem {
  /** Dotted key path, e.g. `publications.daily.formats[1]`. */
  key: string;
  line?: number;
  column?: number;
  message: string;
}

/** The configuration file has problems; every one is listed, each with its line and column. */
export class ConfigFileError extends ConfigError {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[]) {
    const lines = problems.map(
      (p) => `  ${formatPlace(file, p)} ${p.key ? `${p.key}: ` : ''}${p.message}`,
    );
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    super('CONFIG_INVALID', `${file} has ${count}:\n${lines.join('\n')}\n`, {
      hint: 'Fix the lines above, then run the command again.',
    });
    this.file = file;
    this.problems = problems;
  }
}

function formatPlace(file: string, problem: ConfigProblem): string {
  if (problem.line === undefined) return `${file}:`;
  return `${file}:${problem.line}:${problem.column ?? 1}`;
}

/** Renders a key path the way a YAML author reads it. */
export function keyPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`))
    .join('');
}
