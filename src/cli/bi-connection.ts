/**
 * What the `docs` and `export` commands share: the BI connection from flags, environment or
 * bidrop.yaml, and a listener that writes the client's events to the CLI's logger.
 */
import { existsSync } from 'node:fs';

import { biEventLevel, describeBiEvent, type BiEvent, type BiSourceOptions } from '../bi/index.js';
import {
  configFilePath,
  loadConfig,
  resolveBiConnection,
  type BiConnection,
} from '../config/index.js';
import type { CliContext } from './context.js';
import type { Logger } from './logger.js';

export interface BiFlags {
  biUrl?: string;
  biUser?: string;
  biAuth?: string;
  biPassword?: string;
}

/**
 * The connection and the source options for a command. bidrop.yaml is read when `--config` names
 * it or the default file exists; flags and environment win over it.
 */
export async function biConnectionFor(
  ctx: CliContext,
  flags: BiFlags,
): Promise<{ connection: BiConnection; options: BiSourceOptions }> {
  if (flags.biPassword !== undefined) {
    ctx.stderr.write(
      'bidrop: warning: --bi-password is visible to other users and kept in shell history; ' +
        'prefer BIDROP_BI_PASSWORD or bidrop.yaml.\n',
    );
  }
  const file = configFilePath(ctx.configPath);
  const config =
    ctx.configPath !== undefined || existsSync(file) ? await loadConfig(file) : undefined;
  const bi = config?.bi;
  const connection = resolveBiConnection(flags, bi);

  const options: BiSourceOptions = { onEvent: logBiEvents(ctx.logger) };
  if (bi?.sessionWaitSeconds !== undefined) options.sessionWaitMs = bi.sessionWaitSeconds * 1000;
  if (bi?.exportTimeoutSeconds !== undefined) {
    options.exportTimeoutMs = bi.exportTimeoutSeconds * 1000;
  }
  return { connection, options };
}

/** A listener for createBiSource's `onEvent` that writes to `logger` at the event's level. */
export function logBiEvents(
  logger: Logger,
  context: Record<string, unknown> = {},
): (event: BiEvent) => void {
  return (event) => {
    const { type, ...fields } = event;
    logger[biEventLevel(event)]({ ...context, ...fields, event: type }, describeBiEvent(event));
  };
}
