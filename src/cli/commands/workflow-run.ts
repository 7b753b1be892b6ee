/** `bidrop workflow run FILE.xml [name=value]... [--report junit.xml]`: an Azot workflow, unchanged. */
import { writeFile } from 'node:fs/promises';

import { ConfigError, redact } from '../../core/index.js';
import {
  junitReport,
  runWorkflow,
  type CallResult,
  type WorkflowEvent,
} from '../../workflow/index.js';
import { ExitCode, type CliContext } from '../context.js';

interface Options {
  report?: string;
}

export default async function workflowRun(
  ctx: CliContext,
  args: string[],
  options: Options,
): Promise<number> {
  const [file, ...rest] = args;
  if (!file) {
    throw new ConfigError('USAGE_NO_WORKFLOW', 'no workflow file given', {
      hint: 'Run bidrop workflow run FILE.xml [name=value]...',
    });
  }
  const print = (line: string): void => void ctx.stdout.write(`${redact(line)}\n`);

  const onEvent = (event: WorkflowEvent): void => {
    switch (event.type) {
      case 'workflow-start':
        print(
          `${'  '.repeat(event.depth)}workflow ${event.name || '(unnamed)'}${event.fork ? ' (fork)' : ''}  ${event.file}`,
        );
        break;
      case 'call-start':
        ctx.logger.debug(
          { call: event.name, method: event.method, url: redact(event.url) },
          'call started',
        );
        break;
      case 'call-end':
        print(describeCall(event.call));
        if (event.call.message) print(`        ${event.call.code}: ${event.call.message}`);
        break;
      case 'variable':
        ctx.logger.debug({ variable: event.id, value: redact(event.value) }, 'variable captured');
        break;
      case 'notice':
        ctx.logger.warn(event.message);
        break;
      case 'workflow-end':
        break;
    }
  };

  const result = await runWorkflow(file, { args: rest, signal: ctx.signal, onEvent });

  const count = (outcome: CallResult['outcome']): number =>
    result.calls.filter((call) => call.outcome === outcome).length;
  print(
    `${result.calls.length} calls: ${count('success')} passed, ${count('failure')} failed, ` +
      `${count('error')} errors in ${result.endTime - result.startTime} ms`,
  );
  if (options.report) {
    await writeFile(options.report, junitReport(result));
    print(`JUnit report written to ${options.report}`);
  }
  return result.ok ? ExitCode.ok : ExitCode.failed;
}

function describeCall(call: CallResult): string {
  const mark = call.outcome === 'success' ? 'ok  ' : call.outcome === 'failure' ? 'FAIL' : 'ERR ';
  const status = call.status === undefined ? '---' : String(call.status);
  const saved = call.savedPath ? `  -> ${call.savedPath} (${call.bytes} bytes)` : '';
  return (
    `  ${mark} ${String(call.index).padStart(3, '0')} ${call.name.padEnd(24)} ` +
    `${call.method.padEnd(6)} ${status}  ${call.endTime - call.startTime} ms  ${call.url}${saved}`
  );
}
