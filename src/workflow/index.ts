/**
 * Runs Azot workflows (XML chains of HTTP calls, /work/shared/api/azot.md) unchanged, with the
 * original's known bugs fixed and two additions in the `bidrop:` namespace
 * (https://bidrop.dev/azot-extensions):
 *
 * - `<response bidrop:save-to="file">` streams a successful response body to a file (a PDF
 *   export); `${azot-dump-filepath}` then holds its absolute path;
 * - `<request bidrop:body-file="file">` streams a file as the raw request body (a Dropbox
 *   upload), which the original could not send without a Java plugin;
 * - `<variable bidrop:secret="true">` marks a value to redact that bidrop would not guess.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { WorkflowError } from '../core/index.js';
import { argumentVariables, readProperties } from './arguments.js';
import { Engine, locate } from './engine.js';
import type { WorkflowEvent, WorkflowResult } from './events.js';
import { junitReport } from './junit.js';
import type { Step, WorkflowDef } from './model.js';
import { loadWorkflow } from './parse.js';
import { Scope } from './scope.js';
import { isSecretName, rememberSecret } from './secrets.js';
import { at } from './xml.js';

export type { CallOutcome, CallResult, WorkflowEvent, WorkflowResult } from './events.js';
export type { WorkflowDef } from './model.js';
export { EXTENSIONS_NS } from './model.js';
export { junitReport } from './junit.js';
export { loadWorkflow, parseWorkflow } from './parse.js';
export { argumentVariables, parseProperties } from './arguments.js';

export interface RunWorkflowOptions {
  /** Command-line arguments after the file: `name=value`, or values named by position. */
  args?: readonly string[];
  /** Variables set after the arguments (for programmatic callers). */
  variables?: Readonly<Record<string, string>>;
  /** Working directory for relative paths and `azot.properties` (default: process.cwd()). */
  cwd?: string;
  /** Properties file (default: ./azot.properties, else the one beside the workflow file). */
  propertiesFile?: string;
  signal?: AbortSignal;
  onEvent?: (event: WorkflowEvent) => void;
}

/** Settings the original reads from azot.properties that bidrop does not act on. */
const IGNORED_SETTINGS = ['azot-interactive', 'azot-analyze', 'azot-jmx', 'azot-breakpoint'];

/**
 * Runs the workflow in `file` and returns what every call did. Throws a WorkflowError before
 * sending anything when the file, or a file it includes by a fixed name, is invalid.
 */
export async function runWorkflow(
  file: string,
  options: RunWorkflowOptions = {},
): Promise<WorkflowResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const onEvent = options.onEvent ?? (() => undefined);
  const def = await loadWorkflow(resolve(cwd, file));
  await preflight(def, cwd, [def.file]);

  const scope = new Scope();
  const propertiesFile =
    options.propertiesFile !== undefined
      ? resolve(cwd, options.propertiesFile)
      : [join(cwd, 'azot.properties'), join(dirname(def.file), 'azot.properties')].find((p) =>
          existsSync(p),
        );
  const properties = propertiesFile ? await readProperties(propertiesFile) : undefined;
  for (const [id, value] of [
    ...(properties ?? new Map<string, string>()),
    ...argumentVariables(file, options.args ?? []),
    ...Object.entries(options.variables ?? {}),
  ]) {
    scope.define(id, value);
    if (isSecretName(id)) rememberSecret(value);
  }

  const flag = (name: string): boolean => (scope.get(name) ?? '').trim().toLowerCase() === 'true';
  for (const setting of IGNORED_SETTINGS) {
    if (scope.has(setting))
      onEvent({ type: 'notice', message: `${setting} is not supported by bidrop and is ignored` });
  }
  const startTime = Date.now();
  const runDirectory =
    flag('azot-dump') || flag('azot-report')
      ? join(resolve(cwd, scope.get('azot-output-directory') || '.'), `workflow_${startTime}`)
      : undefined;
  if (runDirectory) await mkdir(runDirectory, { recursive: true });

  const engine = new Engine({
    cwd,
    signal: options.signal,
    onEvent,
    dumpDirectory: flag('azot-dump') ? runDirectory : undefined,
  });
  await engine.runTop(def, scope);

  const result: WorkflowResult = {
    name: def.name,
    file: def.file,
    startTime,
    endTime: Date.now(),
    calls: [...engine.calls].sort((a, b) => a.index - b.index),
    properties: engine.properties(),
    ok: engine.calls.every((call) => call.outcome === 'success'),
  };
  if (runDirectory && flag('azot-report')) {
    await writeFile(join(runDirectory, 'report.xml'), junitReport(result));
  }
  return result;
}

/** Loads every include whose file name is fixed, so a missing or invalid one stops the run first. */
async function preflight(def: WorkflowDef, cwd: string, stack: string[]): Promise<void> {
  const visit = async (steps: readonly Step[]): Promise<void> => {
    for (const step of steps) {
      if (step.kind === 'loop' || step.kind === 'repeat') await visit(step.steps);
      if (step.kind !== 'workflow' || step.filename.includes('${')) continue;
      const path = resolve(locate(step.filename, step.file, cwd));
      if (stack.includes(path)) {
        throw new WorkflowError('WORKFLOW_INCLUDE_CYCLE', `${at(step)}: ${path} includes itself`, {
          hint: 'Break the cycle; an include that always recurses never ends.',
        });
      }
      const child = await loadWorkflow(path, step);
      await preflight(child, cwd, [...stack, path]);
    }
  };
  await visit(def.steps);
}
