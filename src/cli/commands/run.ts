/**
 * `bidrop run [NAME...] [--dry-run] [--resume] [--json]`: runs publications now, with progress,
 * and prints where every file went. Exit 0 when everything was delivered (or unchanged), 1 when
 * some deliveries failed, 2 for bad configuration, 130 when stopped.
 */
import { configFilePath, loadConfig, type Config } from '../../config/index.js';
import { AbortedError, ConfigError, describeError, isBidropError } from '../../core/index.js';
import { planPublication, runPublication, type RunResult } from '../../publish/index.js';
import { openHistory } from '../../store/index.js';
import { ExitCode, type CliContext } from '../context.js';
import { biSourceFor, destinationFor, selectPublications } from './publication-setup.js';
import {
  countsText,
  jsonReporter,
  liveReporter,
  lineReporter,
  promptsText,
  summaryTable,
  type Reporter,
} from './run-progress.js';
import { formatTable } from '../table.js';

interface Options {
  dryRun?: boolean;
  resume?: boolean;
  json?: boolean;
}

/** Planning errors that mean the configuration must change: exit 2, like any config error. */
const configurationCodes = new Set([
  'RUN_PATH_COLLISION',
  'RUN_PATH_INVALID',
  'RUN_TARGET_INVALID',
]);

export default async function run(
  ctx: CliContext,
  args: string[],
  options: Options,
): Promise<number> {
  const config = await loadConfig(configFilePath(ctx.configPath));
  const names = selectPublications(config, args);

  let exitCode: number = ExitCode.ok;
  for (const name of names) {
    if (ctx.signal.aborted) return ExitCode.interrupted;
    const code = await runOne(ctx, config, name, options).catch((error: unknown) =>
      failed(ctx, name, error),
    );
    exitCode = worst(exitCode, code);
  }
  return exitCode;
}

async function runOne(
  ctx: CliContext,
  config: Config,
  name: string,
  options: Options,
): Promise<number> {
  const publication = config.publications[name]!;
  if (options.dryRun) return dryRun(ctx, config, name, Boolean(options.json));

  const source = biSourceFor(config, ctx.logger, { publication: name });
  const { destination, concurrency } = destinationFor(config, name, publication, ctx.logger);
  const history = openHistory(config.stateDir);
  const reporter = reporterFor(ctx, options);
  let result: RunResult;
  try {
    result = await runPublication({
      name,
      publication,
      source,
      destination,
      history,
      concurrency,
      signal: ctx.signal,
      onEvent: reporter.onEvent,
      resume: Boolean(options.resume),
    });
  } finally {
    reporter.stop();
    history.close();
  }

  if (!options.json) {
    ctx.stdout.write(
      `\n${name}: run ${result.runId} ${result.status} (${countsText(result.counts)})\n`,
    );
    if (result.results.length) ctx.stdout.write(summaryTable(result.results));
    for (const r of result.results) {
      if (r.error)
        ctx.stderr.write(
          `bidrop: ${r.delivery.target}: ${r.error.code}: ${r.error.message}${r.error.hint ? ` ${r.error.hint}` : ''}\n`,
        );
    }
  }
  if (result.status === 'interrupted') return ExitCode.interrupted;
  return result.status === 'failed' ? ExitCode.failed : ExitCode.ok;
}

/** Plans and prints, exporting nothing; the BI platform is asked only to expand folders and reports. */
async function dryRun(
  ctx: CliContext,
  config: Config,
  name: string,
  json: boolean,
): Promise<number> {
  const source = biSourceFor(config, ctx.logger, { publication: name });
  try {
    const plan = await planPublication(name, config.publications[name]!, source, {
      signal: ctx.signal,
    });
    if (json) {
      for (const d of plan.deliveries)
        ctx.stdout.write(`${JSON.stringify({ publication: name, ...d })}\n`);
      return ExitCode.ok;
    }
    ctx.stdout.write(
      `${name}: ${plan.deliveries.length} deliveries to ${plan.destination} (dry run, nothing exported)\n`,
    );
    ctx.stdout.write(
      formatTable(
        ['document', 'report', 'format', 'prompts', 'target'],
        plan.deliveries.map((d) => [
          d.document.name,
          d.report,
          d.format,
          promptsText(d.prompts),
          `${plan.destination}:${d.target}`,
        ]),
      ),
    );
    return ExitCode.ok;
  } finally {
    await source.close();
  }
}

function reporterFor(ctx: CliContext, options: Options): Reporter {
  if (options.json) return jsonReporter(ctx.stdout);
  const tty = (ctx.stderr as NodeJS.WriteStream).isTTY === true;
  return tty ? liveReporter(ctx.stderr) : lineReporter(ctx.stderr);
}

function failed(ctx: CliContext, name: string, error: unknown): number {
  if (error instanceof AbortedError || ctx.signal.aborted) {
    ctx.stderr.write(`bidrop: ${name}: stopped\n`);
    return ExitCode.interrupted;
  }
  ctx.stderr.write(`bidrop: ${name}: ${describeError(error)}\n`);
  if (
    error instanceof ConfigError ||
    (isBidropError(error) && configurationCodes.has(error.code))
  ) {
    return ExitCode.usage;
  }
  return ExitCode.failed;
}

/** Several publications: the most serious outcome wins (interrupted > usage > failed > ok). */
function worst(a: number, b: number): number {
  const rank = (code: number): number =>
    [ExitCode.ok, ExitCode.failed, ExitCode.usage, ExitCode.interrupted].indexOf(code as 0);
  return rank(b) > rank(a) ? b : a;
}
