/** `bidrop history [NAME] [--run ID] [--json] [-n N]`: past runs, or one run with its deliveries. */
import { configFilePath, loadConfig } from '../../config/index.js';
import { ConfigError } from '../../core/index.js';
import { openHistory, type RunRow } from '../../store/index.js';
import { ExitCode, type CliContext } from '../context.js';
import { formatTable } from '../table.js';
import { formatBytes, promptsText } from './run-progress.js';

interface Options {
  run?: string;
  limit?: string;
  json?: boolean;
}

export default async function history(
  ctx: CliContext,
  args: string[],
  options: Options,
): Promise<number> {
  const config = await loadConfig(configFilePath(ctx.configPath));
  const limit = Number(options.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ConfigError(
      'USAGE_BAD_LIMIT',
      `-n must be a positive whole number, not "${options.limit}"`,
    );
  }

  const store = openHistory(config.stateDir);
  try {
    if (options.run !== undefined) return showRun(ctx, store, options.run, Boolean(options.json));

    const runs = store.listRuns({ ...(args[0] && { publication: args[0] }), limit });
    if (options.json) {
      for (const run of runs) ctx.stdout.write(`${JSON.stringify(run)}\n`);
      return ExitCode.ok;
    }
    if (runs.length === 0) {
      ctx.stdout.write(args[0] ? `No runs of "${args[0]}" yet.\n` : 'No runs yet.\n');
      return ExitCode.ok;
    }
    ctx.stdout.write(
      formatTable(
        [
          'run',
          'publication',
          'started',
          'duration',
          'status',
          'delivered',
          'unchanged',
          'empty',
          'no instance',
          'failed',
          'interrupted',
        ],
        runs.map((r) => [
          r.id,
          r.publication,
          r.started.replace('T', ' ').slice(0, 19),
          duration(r),
          r.status,
          r.delivered,
          r.unchanged,
          r.empty,
          r.noInstance,
          r.failed,
          r.interrupted,
        ]),
      ),
    );
    return ExitCode.ok;
  } finally {
    store.close();
  }
}

function showRun(
  ctx: CliContext,
  store: ReturnType<typeof openHistory>,
  id: string,
  json: boolean,
): number {
  const run = /^\d+$/.test(id) ? store.getRun(Number(id)) : undefined;
  if (!run) {
    throw new ConfigError('USAGE_UNKNOWN_RUN', `No run ${id} in the history`, {
      hint: 'Run `bidrop history` to see the run ids.',
    });
  }

  const deliveries = store.deliveries(run.id);
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ ...run, deliveries })}\n`);
    return ExitCode.ok;
  }
  ctx.stdout.write(
    `run ${run.id} of ${run.publication}: ${run.status}, started ${run.started}` +
      `${run.ended ? `, ${duration(run)}` : ''}${run.error ? `\n${run.error}` : ''}\n`,
  );
  ctx.stdout.write(
    formatTable(
      [
        'document',
        'report',
        'format',
        'prompts',
        'path',
        'status',
        'size',
        'attempts',
        'link',
        'error',
      ],
      deliveries.map((d) => [
        d.document,
        d.report ?? '',
        d.format,
        promptsText(d.prompts),
        d.path ?? d.target,
        d.status,
        d.bytes === null ? '' : formatBytes(d.bytes),
        d.attempts,
        d.link ?? '',
        d.errorCode ? `${d.errorCode}: ${d.errorMessage ?? ''}` : '',
      ]),
    ),
  );
  return ExitCode.ok;
}

function duration(run: RunRow): string {
  if (!run.ended) return '';
  const ms = Date.parse(run.ended) - Date.parse(run.started);
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}
