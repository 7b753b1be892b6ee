/** `bidrop auth dropbox`: consent in the browser (or paste the code), then save the tokens. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline/promises';

import { configFilePath, loadConfig } from '../../config/index.js';
import {
  authorize,
  resolveEndpoints,
  selectDropboxDestination,
  TokenStore,
} from '../../dropbox/index.js';
import { DropboxError } from '../../core/index.js';
import { ExitCode, type CliContext } from '../context.js';

interface Options {
  destination?: string;
  /** False with --no-browser. */
  browser?: boolean;
}

export default async function authDropbox(
  ctx: CliContext,
  _args: string[],
  options: Options,
): Promise<number> {
  const config = await loadConfig(configFilePath(ctx.configPath));
  const { name, config: destination } = selectDropboxDestination(config, options.destination);
  const endpoints = resolveEndpoints(destination);
  const env = process.env;
  const headless =
    options.browser === false ||
    (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY);

  const tokens = await authorize({
    appKey: destination.appKey,
    ...(destination.appSecret && { appSecret: destination.appSecret }),
    endpoints,
    signal: ctx.signal,
    ...(env.BIDROP_DROPBOX_REDIRECT_URI && { redirectUri: env.BIDROP_DROPBOX_REDIRECT_URI }),
    openUrl: async (url) => {
      if (headless) {
        ctx.stderr.write(
          `Open this address in a browser, allow access, and copy the code Dropbox shows:\n\n  ${url}\n\n`,
        );
        return;
      }
      ctx.stderr.write(
        `Opening the browser for Dropbox consent. If nothing opens, visit:\n\n  ${url}\n\n`,
      );
      openBrowser(url);
    },
    ...(headless && { readCode: () => readLine(ctx, 'Code: ') }),
  });

  const store = new TokenStore(config.stateDir);
  await store.save(name, tokens);
  const who = tokens.email
    ? `${tokens.name ?? ''} <${tokens.email}>`.trim()
    : (tokens.accountId ?? 'the account');
  ctx.stdout.write(
    `Authorised ${who} for destination ${name}.\nTokens saved, encrypted, in ${store.fileOf(name)}\n`,
  );
  return ExitCode.ok;
}

/** xdg-open / open / the Windows URL handler, detached; failure only means the user clicks. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // The URL is printed above.
  }
}

async function readLine(ctx: CliContext, prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: ctx.stderr as NodeJS.WritableStream });
  // Input that ends before a line (stdin closed, or not a terminal) must end the command, not hang.
  const ended = new Promise<never>((_, reject) =>
    rl.once('close', () =>
      reject(
        new DropboxError('DROPBOX_NO_CODE', 'No authorisation code was entered', {
          hint: 'Run `bidrop auth dropbox` at a terminal, or without --no-browser on a desktop.',
        }),
      ),
    ),
  );
  try {
    return await Promise.race([rl.question(prompt, { signal: ctx.signal }), ended]);
  } finally {
    rl.close();
  }
}
