/**
 * Runs a parsed workflow: its steps in document order, calls one at a time, included workflows
 * in line or (fork) alongside. Unlike the original, a network error or an HTTP 4xx/5xx fails the
 * call unless one of its asserts checks the status; like the original, the run goes on after a
 * failed call, so a workflow's closing calls (a logoff) still happen.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

import { AbortedError, BidropError, WorkflowError, redact } from '../core/index.js';
import type { CallResult, WorkflowEvent } from './events.js';
import { exchange, type Received } from './http.js';
import type {
  CallStep,
  IncludeStep,
  LoopStep,
  RepeatStep,
  Step,
  VariableDecl,
  WorkflowDef,
} from './model.js';
import { loadWorkflow } from './parse.js';
import { buildRequest } from './request.js';
import { judgeResponse } from './response.js';
import { Scope, substitute } from './scope.js';
import { isSecretName, readsSecretHeader, rememberSecret } from './secrets.js';
import { at } from './xml.js';

export interface EngineOptions {
  cwd: string;
  signal: AbortSignal | undefined;
  onEvent: (event: WorkflowEvent) => void;
  /** With `azot-dump=true`: the folder where every response body is written. */
  dumpDirectory: string | undefined;
}

export class Engine {
  readonly calls: CallResult[] = [];
  private readonly reported = new Map<string, Scope>();
  private readonly forks: Promise<void>[] = [];
  private count = 0;

  constructor(private readonly options: EngineOptions) {}

  /** Runs `def` in `scope`, then waits for every workflow it forked. */
  async runTop(def: WorkflowDef, scope: Scope): Promise<void> {
    await this.run(def, scope, 0, false);
    const settled = await Promise.allSettled(this.forks);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Final values of the variables declared with `report="true"`. */
  properties(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [id, scope] of this.reported) out[id] = redact(scope.get(id) ?? '');
    return out;
  }

  /** Applies declarations: one with overwrite="false" yields to a value already there. */
  declare(decls: readonly VariableDecl[], scope: Scope, target: Scope = scope): void {
    for (const decl of decls) {
      if (!decl.overwrite && target.has(decl.id)) {
        if (decl.report) this.reported.set(decl.id, target);
        continue;
      }
      const value = substitute(decl.value, (id) => scope.get(id));
      target.define(decl.id, value);
      this.remember(decl, value, target);
    }
  }

  private remember(decl: VariableDecl, value: string, scope: Scope): void {
    if (decl.secret || isSecretName(decl.id) || readsSecretHeader(decl.value)) {
      rememberSecret(value);
    }
    if (decl.report) this.reported.set(decl.id, scope);
  }

  private async run(def: WorkflowDef, scope: Scope, depth: number, fork: boolean): Promise<void> {
    this.options.onEvent({ type: 'workflow-start', name: def.name, file: def.file, depth, fork });
    this.declare(def.context, scope);
    await this.steps(def.steps, def, scope, depth);
    this.options.onEvent({ type: 'workflow-end', name: def.name, file: def.file, depth });
  }

  private async steps(
    steps: readonly Step[],
    def: WorkflowDef,
    scope: Scope,
    depth: number,
  ): Promise<void> {
    for (const step of steps) {
      if (this.options.signal?.aborted) {
        throw new AbortedError('Stopped before the workflow finished.');
      }
      switch (step.kind) {
        case 'call':
          await this.call(step, def, scope);
          break;
        case 'workflow':
          await this.include(step, scope, depth);
          break;
        case 'loop':
          await this.loop(step, def, scope, depth);
          break;
        case 'repeat':
          await this.repeat(step, def, scope, depth);
          break;
      }
    }
  }

  private async loop(step: LoopStep, def: WorkflowDef, scope: Scope, depth: number): Promise<void> {
    // Items are separated by any run of whitespace; the original split on single spaces and
    // ran empty turns for doubled ones.
    const items = substitute(step.in, (id) => scope.get(id))
      .split(/\s+/)
      .filter(Boolean);
    await this.turns(items, step.variableId, step.steps, def, scope, depth);
  }

  private async repeat(
    step: RepeatStep,
    def: WorkflowDef,
    scope: Scope,
    depth: number,
  ): Promise<void> {
    const times = substitute(step.times, (id) => scope.get(id)).trim();
    if (!/^\d+$/.test(times)) {
      throw new WorkflowError(
        'WORKFLOW_INVALID_NUMBER',
        `${at(step)}: <repeat times="${step.times}"> is "${times}", not a whole number`,
        {
          hint: 'Give times a number, or a variable that holds one.',
        },
      );
    }
    const turns = Array.from({ length: Number(times) }, (_, i) => String(i));
    await this.turns(turns, step.variableId, step.steps, def, scope, depth);
  }

  /** Runs `steps` once per value with `id` set; the variable disappears afterwards, as in Azot. */
  private async turns(
    values: string[],
    id: string,
    steps: readonly Step[],
    def: WorkflowDef,
    scope: Scope,
    depth: number,
  ): Promise<void> {
    const previous = scope.getOwn(id);
    try {
      for (const value of values) {
        scope.define(id, value);
        await this.steps(steps, def, scope, depth);
      }
    } finally {
      if (previous === undefined) scope.delete(id);
      else scope.define(id, previous);
    }
  }

  private async include(step: IncludeStep, scope: Scope, depth: number): Promise<void> {
    const filename = substitute(step.filename, (id) => scope.get(id));
    const def = await loadWorkflow(locate(filename, step.file, this.options.cwd), step);
    // A fork works on a copy; an in-line include shares the variables it inherits.
    const child = new Scope(step.fork ? scope.copy() : scope);
    this.declare(step.variables, scope, child);
    const run = this.run(def, child, depth + 1, step.fork);
    if (step.fork) {
      run.catch(() => undefined); // awaited in runTop; this keeps Node from calling it unhandled
      this.forks.push(run);
    } else {
      await run;
    }
  }

  private async call(step: CallStep, def: WorkflowDef, scope: Scope): Promise<void> {
    const index = this.count++;
    const lookup = (id: string): string | undefined => scope.get(id);
    const name = redact(substitute(step.name, lookup) || `call_${index}`);
    const result: CallResult = {
      index,
      workflow: def.name,
      name,
      method: step.request?.method ?? 'GET',
      url: redact(substitute(step.request?.url ?? '', lookup)),
      status: undefined,
      startTime: Date.now(),
      endTime: 0,
      outcome: 'success',
      code: undefined,
      message: undefined,
      savedPath: undefined,
      bytes: 0,
    };
    this.options.onEvent({
      type: 'call-start',
      index,
      name,
      method: result.method,
      url: result.url,
    });

    try {
      if (!step.request) {
        throw new WorkflowError(
          'WORKFLOW_NO_REQUEST',
          `${at(step)}: call '${name}' has no <request>`,
          {
            hint: 'Add <request url="..." method="..."/> to the call.',
          },
        );
      }
      const outgoing = await buildRequest(step.request, lookup, this.options.cwd);
      const saveTo = step.response?.saveTo;
      const dump = this.options.dumpDirectory;
      const received = await exchange(outgoing, {
        saveTo:
          saveTo === undefined ? undefined : resolve(this.options.cwd, substitute(saveTo, lookup)),
        dumpPath:
          dump === undefined ? undefined : (ext) => join(dump, `call_${index}_response.${ext}`),
        signal: this.options.signal,
      });
      rememberSecretHeaders(received);
      Object.assign(result, {
        status: received.status,
        savedPath: received.savedPath,
        bytes: received.bytes,
      });
      judgeResponse(step, received, scope, name, result, {
        captured: (decl, value) => {
          this.remember(decl, value, scope);
          this.options.onEvent({ type: 'variable', id: decl.id, value: redact(value) });
        },
      });
    } catch (error) {
      if (error instanceof AbortedError) throw error;
      result.outcome = 'error';
      result.code = error instanceof BidropError ? error.code : 'WORKFLOW_CALL_ERROR';
      const message = error instanceof Error ? error.message : String(error);
      // Every message names the XML it came from; network errors do not know it themselves.
      const located = message.startsWith(`${step.file}:`)
        ? message
        : `${at(step.request ?? step)}: ${message}`;
      result.message = redact(located);
    }
    result.endTime = Date.now();
    this.calls.push(result);
    this.options.onEvent({ type: 'call-end', call: result });
  }
}

function rememberSecretHeaders(received: Received): void {
  for (const [name, value] of Object.entries(received.headers)) {
    if (name === 'x-sap-logontoken' || name === 'authorization') rememberSecret(value);
  }
}

/**
 * Where an included workflow is: absolute as given; else from the working directory, as the
 * original reads it; else beside the including file, which is what a moved folder needs.
 */
export function locate(filename: string, includingFile: string, cwd: string): string {
  if (isAbsolute(filename)) return filename;
  const fromCwd = resolve(cwd, filename);
  if (existsSync(fromCwd)) return fromCwd;
  return resolve(dirname(includingFile), filename);
}
