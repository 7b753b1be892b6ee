/** `bidrop auth revoke`: revoke the Dropbox tokens at Dropbox, then forget them. */
import { configFilePath, loadConfig } from '../../config/index.js';
import {
  createDropboxDestination,
  selectDropboxDestination,
  TokenStore,
} from '../../dropbox/index.js';
import { logDropboxEvents } from '../dropbox-events.js';
import { ExitCode, type CliContext } from '../context.js';

export default async function authRevoke(
  ctx: CliContext,
  _args: string[],
  options: { destination?: string },
): Promise<number> {
  const config = await loadConfig(configFilePath(ctx.configPath));
  const { name, config: destination } = selectDropboxDestination(config, options.destination);

  if (!(await new TokenStore(config.stateDir).load(name))) {
    ctx.stdout.write(`Destination ${name} is not authorised; nothing to revoke.\n`);
    return ExitCode.ok;
  }
  const dropbox = createDropboxDestination(name, destination, {
    stateDir: config.stateDir,
    onEvent: logDropboxEvents(ctx.logger, { destination: name }),
  });
  await dropbox.revoke(ctx.signal);
  ctx.stdout.write(
    `Revoked the Dropbox tokens of ${name} and removed them from ${config.stateDir}.\n`,
  );
  return ExitCode.ok;
}
