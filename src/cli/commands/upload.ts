/** `bidrop upload FILE destination:/path`: one file to Dropbox, verified, with its details printed. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

import { configFilePath, loadConfig, parseTarget } from '../../config/index.js';
import { ConfigError, type ConflictPolicy } from '../../core/index.js';
import { createDropboxDestination, selectDropboxDestination } from '../../dropbox/index.js';
import { ExitCode, type CliContext } from '../context.js';
import { logDropboxEvents } from '../dropbox-events.js';

interface Options {
  conflict?: ConflictPolicy;
  skipUnchanged?: boolean;
  sharedLink?: boolean;
}

export default async function upload(
  ctx: CliContext,
  args: string[],
  options: Options,
): Promise<number> {
  const [file, targetText] = args;
  const target = targetText === undefined ? undefined : parseTarget(targetText);
  if (!file || !target) {
    throw new ConfigError('USAGE_BAD_TARGET', `"${targetText ?? ''}" is not destination:/path`, {
      hint: 'Write it like team-dropbox:/Reports/sales.pdf.',
    });
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    throw new ConfigError('USAGE_FILE_NOT_FOUND', `${file} is not a readable file`, {
      hint: 'Check the path.',
    });
  }

  const config = await loadConfig(configFilePath(ctx.configPath));
  const { name, config: destination } = selectDropboxDestination(config, target.destination);
  const dropbox = createDropboxDestination(name, destination, {
    stateDir: config.stateDir,
    onEvent: logDropboxEvents(ctx.logger, { destination: name, file }),
  });
  try {
    const delivered = await dropbox.deliver(target.path, createReadStream(file), {
      conflict: options.conflict ?? 'overwrite',
      skipUnchanged: Boolean(options.skipUnchanged),
      sharedLink: Boolean(options.sharedLink),
      signal: ctx.signal,
    });
    const lines: Array<[string, string | number | undefined]> = [
      ['status', delivered.status],
      ['path', delivered.path],
      ['size', delivered.bytes],
      ['hash', delivered.contentHash],
      ['rev', delivered.revision],
      ['link', delivered.link],
    ];
    for (const [key, value] of lines) {
      if (value !== undefined) ctx.stdout.write(`${key.padEnd(7)}${value}\n`);
    }
    return ExitCode.ok;
  } finally {
    await dropbox.close();
  }
}
