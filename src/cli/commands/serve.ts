/**
 * `bidrop serve`: runs each publication on its cron schedule until SIGTERM or Ctrl-C. One run of
 * a publication at a time (a tick while it runs is skipped and logged); a failing run is logged
 * and the schedule goes on. All runs share one BI source, so `bi.sessions` bounds the whole
 * server, not each run. Logs are JSON lines.
 */
import { Cron } from 'croner';

import type { BiSource } from '../../bi/index.js';
import { configFilePath, loadConfig, type Config } from '../../config/index.js';
import { ConfigError, describeError, isBidropError } from '../../core/index.js';
import { runPublication, type RunEvent } from '../../publish/index.js';
import { openHistory, type History } from '../../store/index.js';
import { ExitCode, type CliContext } from '../context.js';
import { biSourceFor, destinationFor } from './publication-setup.js';

export default async function serve(ctx: CliContext): Promise<number> {
  const config = await loadConfig(configFilePath(ctx.configPath));
  const scheduled = Object.entries(config.publications).filter(([, p]) => p.schedule);
  if (scheduled.length === 0) {
    throw new ConfigError('USAGE_NO_SCHEDULES', `No publication in ${config.file} has a schedule`, {
      hint: 'Add schedule: "0 6 * * 1-5" (cron) to a publication, or use bidrop run.',
    });
  }

  const history = openHistory(config.stateDir);
  const source = biSourceFor(config, ctx.logger, { component: 'bi' });
  const running = new Map<string, Promise<void>>();

  const tick = (name: string): void => {
    if (ctx.signal.aborted) return;
    if (running.has(name)) {
      ctx.logger.warn({ publication: name }, 'previous run still running; this tick is skipped');
      return;
    }
    const run = runOnce(ctx, config, name, source, history).finally(() => running.delete(name));
    running.set(name, run);
  };

  const jobs = scheduled.map(
    ([name, publication]) =>
      new Cron(
        publication.schedule!,
        { name, ...(publication.timezone && { timezone: publication.timezone }) },
        () => tick(name),
      ),
  );
  for (const job of jobs) {
    ctx.logger.info(
      { publication: job.name, schedule: job.getPattern(), next: job.nextRun()?.toISOString() },
      'scheduled',
    );
  }

  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });

  ctx.logger.info({ running: [...running.keys()] }, 'stopping: waiting for running runs to stop');
  for (const job of jobs) job.stop();
  await Promise.allSettled(running.values());
  await source.close().catch((error: unknown) => {
    ctx.logger.error({ error: describeError(error) }, 'BI logoff failed');
  });
  history.close();
  ctx.logger.info('stopped');
  return ExitCode.ok;
}

async function runOnce(
  ctx: CliContext,
  config: Config,
  name: string,
  source: BiSource,
  history: History,
): Promise<void> {
  const publication = config.publications[name]!;
  try {
    const { destination, concurrency } = destinationFor(config, name, publication, ctx.logger);
    try {
      const result = await runPublication({
        name,
        publication,
        source,
        destination,
        history,
        concurrency,
        signal: ctx.signal,
        keepOpen: true,
        onEvent: (event) => logEvent(ctx, event),
      });
      const level = result.status === 'succeeded' ? 'info' : 'error';
      ctx.logger[level](
        { publication: name, run: result.runId, ...result.counts },
        `run ${result.status}`,
      );
    } finally {
      await destination.close();
    }
  } catch (error) {
    ctx.logger.error(
      { publication: name, code: isBidropError(error) ? error.code : 'RUN_UNEXPECTED' },
      `run failed: ${describeError(error)}`,
    );
  }
}

function logEvent(ctx: CliContext, event: RunEvent): void {
  switch (event.type) {
    case 'run-start':
      ctx.logger.info(
        {
          publication: event.publication,
          run: event.runId,
          total: event.total,
          resumed: event.resumed,
        },
        'run started',
      );
      break;
    case 'delivery-end': {
      const r = event.result;
      const fields = {
        run: event.runId,
        document: r.delivery.document.name,
        path: r.path ?? r.delivery.target,
        status: r.status,
        ...(r.bytes !== undefined && { bytes: r.bytes }),
        ...(r.error && { code: r.error.code, error: r.error.message }),
      };
      if (r.status === 'failed') ctx.logger.error(fields, 'delivery failed');
      else ctx.logger.info(fields, `delivery ${r.status}`);
      break;
    }
    case 'delivery-retry':
      ctx.logger.warn(
        {
          run: event.runId,
          key: event.key,
          attempt: event.attempt,
          delayMs: event.delayMs,
          code: event.code,
        },
        'delivery broke off; starting it over',
      );
      break;
    default:
      break;
  }
}
