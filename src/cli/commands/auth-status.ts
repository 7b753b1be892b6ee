/** `bidrop auth status`: which Dropbox destinations are authorised, for whom, until when. */
import { configFilePath, loadConfig } from '../../config/index.js';
import { selectDropboxDestination, TokenStore } from '../../dropbox/index.js';
import { ExitCode, type CliContext } from '../context.js';
import { formatTable } from '../table.js';

export default async function authStatus(
  ctx: CliContext,
  _args: string[],
  options: { destination?: string },
): Promise<number> {
  const config = await loadConfig(configFilePath(ctx.configPath));
  const names = options.destination
    ? [selectDropboxDestination(config, options.destination).name]
    : Object.entries(config.destinations)
        .filter(([, d]) => d.type === 'dropbox')
        .map(([n]) => n);
  if (names.length === 0) selectDropboxDestination(config);

  const store = new TokenStore(config.stateDir);
  const rows: string[][] = [];
  let missing = 0;
  for (const name of names) {
    const tokens = await store.load(name);
    if (!tokens) {
      missing++;
      rows.push([name, 'not authorised', '', '', '']);
      continue;
    }
    const account =
      [tokens.name, tokens.email && `<${tokens.email}>`].filter(Boolean).join(' ') ||
      (tokens.accountId ?? '?');
    rows.push([
      name,
      account,
      describeExpiry(tokens.expiresAt),
      tokens.refreshToken ? 'yes' : 'no',
      tokens.scope ?? '',
    ]);
  }
  ctx.stdout.write(
    formatTable(['destination', 'account', 'access token', 'refreshable', 'scopes'], rows),
  );
  if (missing)
    ctx.stdout.write(
      `\nRun \`bidrop auth dropbox --destination NAME\` for the ones not authorised.\n`,
    );
  return missing ? ExitCode.failed : ExitCode.ok;
}

function describeExpiry(expiresAt: number): string {
  if (expiresAt >= Number.MAX_SAFE_INTEGER) return 'does not expire';
  const iso = new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z');
  // An expired access token is normal: the refresh token gets a new one on the next call.
  return expiresAt <= Date.now() ? `expired ${iso} (refreshed on use)` : `valid until ${iso}`;
}
