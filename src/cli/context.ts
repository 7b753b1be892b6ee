import type { Logger } from './logger.js';

/** What every command receives from `main`: where to print, how to log, when to stop. */
export interface CliContext {
  logger: Logger;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on SIGINT or SIGTERM; commands pass it down to every call. */
  signal: AbortSignal;
  debug: boolean;
  /** `bidrop.yaml` path given with `--config`, if any. */
  configPath: string | undefined;
}

/** Exit codes: 0 success, 1 some work failed, 2 bad configuration or usage, 130 interrupted. */
export const ExitCode = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
