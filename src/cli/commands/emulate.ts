/**
 * `bidrop emulate [bi|dropbox|both] [--port N] [--bi-port N] [--dropbox-port N] [--data DIR]`:
 * runs the local stand-ins until SIGINT/SIGTERM, printing where they listen and how to log on.
 */
import { once } from 'node:events';

import { ConfigError } from '../../core/index.js';
import { demoCredentials, sampleDocuments, startBiEmulator } from '../../emulators/bi/index.js';
import { startDropboxEmulator } from '../../emulators/dropbox/index.js';
import { ExitCode, type CliContext } from '../context.js';

interface Options {
  port?: string;
  biPort?: string;
  dropboxPort?: string;
  data?: string;
}

interface RunningEmulator {
  close(): Promise<void>;
}

function port(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ConfigError('USAGE_EMULATE_PORT', `${flag} must be a port number, got "${value}"`, {
      hint: 'Give a number from 0 to 65535; 0 picks any free port.',
    });
  }
  return n;
}

export default async function emulate(
  ctx: CliContext,
  args: string[],
  options: Options,
): Promise<number> {
  const which = args[0] ?? 'both';
  if (!['bi', 'dropbox', 'both'].includes(which)) {
    throw new ConfigError('USAGE_EMULATE_WHICH', `Unknown emulator "${which}"`, {
      hint: 'Give bi, dropbox or both.',
    });
  }
  const single = which !== 'both';
  const biPort = port(single ? options.port : options.biPort, single ? '--port' : '--bi-port');
  const dropboxPort = port(
    single ? options.port : options.dropboxPort,
    single ? '--port' : '--dropbox-port',
  );

  const running: RunningEmulator[] = [];
  try {
    if (which !== 'dropbox') {
      const bi = await startBiEmulator({ port: biPort });
      running.push(bi);
      ctx.stdout.write(
        `BI platform emulator: ${bi.url}\n` +
          `  user ${demoCredentials.username}, password ${demoCredentials.password}, ` +
          `auth ${demoCredentials.auth}\n` +
          `  documents: ${sampleDocuments.map((d) => `${d.id} ${d.folder}/${d.name}`).join('; ')}\n`,
      );
    }
    if (which !== 'bi') {
      const dropbox = await startDropboxEmulator({
        port: dropboxPort,
        ...(options.data !== undefined && { dataDir: options.data }),
      });
      running.push(dropbox);
      ctx.stdout.write(
        `Dropbox emulator: ${dropbox.url}\n` +
          `  app key ${dropbox.demoApp.key}, app secret ${dropbox.demoApp.secret}\n`,
      );
    }
    ctx.stdout.write('Press Ctrl-C to stop.\n');
    if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
    return ExitCode.ok;
  } finally {
    // Close every emulator even if one fails to close.
    await Promise.allSettled(running.map((r) => r.close()));
  }
}
