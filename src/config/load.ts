/**
 * Loading `bidrop.yaml`: parse, interpolate `${VAR}` from the environment, validate against the
 * schema, check cross-references, and freeze. Every problem is reported at once, with its line.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';

import { ConfigError, registerSecret } from '../core/index.js';
import { braceTokens, dateToken, templateProblems, unknownDateToken } from '../publish/index.js';
import { ConfigFileError, keyPath, type ConfigProblem } from './problems.js';
import { configSchema, secretPaths, type ConfigData } from './schema.js';

export interface Config extends ConfigData {
  /** Absolute path of the file it came from, or `<inline>`. */
  readonly file: string;
  /** Where history and tokens live. */
  readonly stateDir: string;
}

export const defaultConfigFile = 'bidrop.yaml';

/** Resolves which file to read: the flag, then BIDROP_CONFIG, then ./bidrop.yaml. */
export function configFilePath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.BIDROP_CONFIG ?? defaultConfigFile);
}

/** Reads and validates a configuration file. */
export async function loadConfig(
  file: string = configFilePath(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<Readonly<Config>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(
      missing ? 'CONFIG_NOT_FOUND' : 'CONFIG_UNREADABLE',
      missing ? `No configuration file at ${file}` : `Cannot read ${file}`,
      {
        hint: missing
          ? 'Run `bidrop init` to write one, or pass --config FILE.'
          : 'Check the file permissions.',
        cause: error,
      },
    );
  }
  return parseConfig(text, file, env);
}

/** Validates configuration text; `file` is used in messages and to resolve relative paths. */
export function parseConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Config> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const place = (offset: number | undefined): Pick<ConfigProblem, 'line' | 'column'> =>
    offset === undefined
      ? {}
      : { line: lineCounter.linePos(offset).line, column: lineCounter.linePos(offset).col };

  const problems: ConfigProblem[] = doc.errors.map((e) => ({
    key: '',
    ...place(e.pos[0]),
    message: e.message.split('\n')[0] ?? e.message,
  }));
  if (problems.length) throw new ConfigFileError(file, problems);

  problems.push(...interpolate(doc, env, place));
  const data = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    // A value emptied by a missing variable is already reported as such.
    const reported = new Set(problems.map((p) => p.key));
    const found = parsed.error.issues.flatMap((issue) => locate(issue, doc, place));
    problems.push(...found.filter((p) => !reported.has(p.key)));
  }
  if (problems.length) throw new ConfigFileError(file, problems);

  const config = parsed.data!;
  problems.push(...checkReferences(config, doc, place));
  if (problems.length) throw new ConfigFileError(file, problems);

  registerSecrets(config);
  const dir = path.dirname(path.resolve(file));
  const stateDir = path.resolve(
    env.BIDROP_HOME ?? (config.state ? path.resolve(dir, config.state) : '.bidrop'),
  );
  for (const destination of Object.values(config.destinations)) {
    if (destination.type === 'folder') destination.path = path.resolve(dir, destination.path);
  }
  return deepFreeze({ ...config, file: path.resolve(file), stateDir });
}

type Place = (offset: number | undefined) => Pick<ConfigProblem, 'line' | 'column'>;

/** Replaces `${VAR}` in every string scalar; `$${VAR}` stays literal as `${VAR}`. */
function interpolate(doc: Document, env: NodeJS.ProcessEnv, place: Place): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      node.value = node.value.replace(
        /(\$?)\$\{([^}]*)\}/g,
        (match, escaped: string, name: string) => {
          if (escaped) return match.slice(1);
          const value = env[name.trim()];
          if (value !== undefined) return value;
          problems.push({
            key: keyPath(ancestorPath(ancestors, node)),
            ...place(node.range?.[0]),
            message: `environment variable ${name} is not set`,
          });
          return '';
        },
      );
    },
  });
  return problems;
}

function ancestorPath(ancestors: readonly unknown[], node: unknown): string[] {
  const out: string[] = [];
  let child = node;
  for (const ancestor of [...ancestors].reverse()) {
    const a = ancestor as { key?: unknown; value?: unknown; items?: unknown[] };
    if (a.value === child && isScalar(a.key)) out.unshift(String(a.key.value));
    else if (Array.isArray(a.items) && !isMap(ancestor)) {
      const index = a.items.indexOf(child);
      if (index >= 0) out.unshift(`[${index}]`);
    }
    child = ancestor;
  }
  return out;
}

/** Turns a schema issue into problems placed on the offending key or value. */
function locate(issue: z.core.$ZodIssue, doc: Document, place: Place): ConfigProblem[] {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    const map = path.length ? doc.getIn(path, true) : doc.contents;
    return issue.keys.map((name) => {
      const pair = isMap(map)
        ? map.items.find((p) => isScalar(p.key) && p.key.value === name)
        : undefined;
      const range = isScalar(pair?.key) ? pair.key.range : undefined;
      return {
        key: keyPath([...path, name]),
        ...place(range?.[0]),
        message: `unknown key "${name}"; check its spelling against docs/configuration.md`,
      };
    });
  }

  const node = nearestNode(doc, path);
  return [{ key: keyPath(path), ...place(node), message: issueMessage(issue) }];
}

function nearestNode(doc: Document, path: PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n ? doc.getIn(path.slice(0, n), true) : doc.contents;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return range[0];
  }
  return undefined;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `is required (${issue.expected})`;
  if (issue.code === 'invalid_value')
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (
    issue.code === 'invalid_union' &&
    'note' in issue &&
    issue.note === 'No matching discriminator'
  ) {
    return 'type must be "dropbox" or "folder"';
  }
  return issue.message;
}

function checkReferences(config: ConfigData, doc: Document, place: Place): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, publication] of Object.entries(config.publications)) {
    const at = ['publications', name, 'to'];
    const target = parseTarget(publication.to);
    const offset = nearestNode(doc, at);
    if (!target) {
      problems.push({
        key: keyPath(at),
        ...place(offset),
        message: 'must be "destination:/path", e.g. team-dropbox:/Reports/{document}.{ext}',
      });
    } else {
      problems.push(...checkTemplate(name, publication, target.path, offset, place));
    }
    if (target && !config.destinations[target.destination]) {
      const known = Object.keys(config.destinations);
      problems.push({
        key: keyPath(at),
        ...place(offset),
        message: `names destination "${target.destination}", which is not declared under destinations${known.length ? ` (declared: ${known.join(', ')})` : ''}`,
      });
    }
    problems.push(...checkPromptValues(name, publication, doc, place));
    const usesBi = publication.documents.length > 0;
    if (usesBi && !config.bi) {
      problems.push({
        key: 'bi',
        ...place(0),
        message: `publication "${name}" needs a "bi" section with the platform's url, username and password`,
      });
    }
  }
  return problems;
}

/** Template tokens known statically: the fixed ones, date tokens and every prompt's name. */
function checkTemplate(
  name: string,
  publication: ConfigData['publications'][string],
  template: string,
  offset: number | undefined,
  place: Place,
): ConfigProblem[] {
  const promptNames = new Set(Object.keys(publication.prompts ?? {}));
  for (const entry of publication.documents) {
    for (const prompt of Object.keys(entry.prompts ?? {})) promptNames.add(prompt);
  }
  return templateProblems(template, promptNames).map((message) => ({
    key: keyPath(['publications', name, 'to']),
    ...place(offset),
    message,
  }));
}

/** A `{…}` in a prompt answer must be a date token, checked here so a typo fails before a run. */
function checkPromptValues(
  name: string,
  publication: ConfigData['publications'][string],
  doc: Document,
  place: Place,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const check = (
    prompts: Record<string, string | string[]> | undefined,
    at: PropertyKey[],
  ): void => {
    for (const [prompt, value] of Object.entries(prompts ?? {})) {
      const values = Array.isArray(value) ? value : [value];
      values.forEach((v, i) => {
        for (const token of braceTokens(v)) {
          if (dateToken(token, sampleTime) !== undefined) continue;
          const path = [...at, prompt, ...(Array.isArray(value) ? [i] : [])];
          problems.push({
            key: keyPath(path),
            ...place(nearestNode(doc, path)),
            message: unknownDateToken(token),
          });
        }
      });
    }
  };
  check(publication.prompts, ['publications', name, 'prompts']);
  publication.documents.forEach((entry, i) =>
    check(entry.prompts, ['publications', name, 'documents', i, 'prompts']),
  );
  return problems;
}

const sampleTime = { year: 2000, month: 1, day: 1, hour: 0, minute: 0, second: 0 };

/** Splits `destination:/path` into its parts; undefined when it is not of that shape. */
export function parseTarget(target: string): { destination: string; path: string } | undefined {
  const match = /^([A-Za-z0-9_.-]+):(\/.*)$/.exec(target);
  return match ? { destination: match[1]!, path: match[2]! } : undefined;
}

function registerSecrets(config: ConfigData): void {
  registerSecret(config.bi?.password);
  for (const destination of Object.values(config.destinations)) {
    if (destination.type === 'dropbox') registerSecret(destination.appSecret);
  }
  void secretPaths;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
