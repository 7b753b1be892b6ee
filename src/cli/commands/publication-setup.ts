/**
 * What `run` and `serve` share: turning bidrop.yaml into the source, destination and bound a run
 * of one publication needs. Composition lives in the CLI so that publish/ sees interfaces only.
 */
import { createBiSource, type BiSource, type BiSourceOptions } from '../../bi/index.js';
import {
  parseTarget,
  resolveBiConnection,
  type Config,
  type PublicationConfig,
} from '../../config/index.js';
import { ConfigError, type Destination } from '../../core/index.js';
import { createDestination } from '../../destinations/index.js';
import { logBiEvents } from '../bi-connection.js';
import { logDropboxEvents } from '../dropbox-events.js';
import type { Logger } from '../logger.js';

/** The publications named on the command line, or all of them; unknown names are usage errors. */
export function selectPublications(config: Config, names: string[]): string[] {
  const declared = Object.keys(config.publications);
  if (names.length === 0) {
    if (declared.length === 0) {
      throw new ConfigError('USAGE_NO_PUBLICATIONS', `${config.file} declares no publications`, {
        hint: 'Add one under "publications:" (bidrop init writes an example).',
      });
    }
    return declared;
  }

  const unknown = names.filter((n) => !declared.includes(n));
  if (unknown.length) {
    throw new ConfigError(
      'USAGE_UNKNOWN_PUBLICATION',
      `No publication named ${unknown.map((n) => `"${n}"`).join(', ')} in ${config.file}`,
      { hint: `Declared: ${declared.join(', ') || 'none'}.` },
    );
  }
  return names;
}

/** A BI source for the config's connection, logging its events. */
export function biSourceFor(
  config: Config,
  logger: Logger,
  context: Record<string, unknown> = {},
): BiSource {
  const connection = resolveBiConnection({}, config.bi);
  const options: BiSourceOptions = { onEvent: logBiEvents(logger, context) };
  if (config.bi) {
    options.sessionWaitMs = config.bi.sessionWaitSeconds * 1000;
    options.exportTimeoutMs = config.bi.exportTimeoutSeconds * 1000;
  }
  return createBiSource(
    { ...connection, sessions: config.bi?.sessions ?? connection.sessions },
    options,
  );
}

/** The destination a publication's `to` names, and how many deliveries may run at once. */
export function destinationFor(
  config: Config,
  name: string,
  publication: PublicationConfig,
  logger: Logger,
): { destination: Destination; concurrency: number } {
  const target = parseTarget(publication.to)!;
  const destinationConfig = config.destinations[target.destination]!;
  const destination = createDestination(target.destination, destinationConfig, {
    stateDir: config.stateDir,
    onEvent: logDropboxEvents(logger, { publication: name, destination: target.destination }),
  });
  // Each delivery holds a BI session while its export streams, so the pool bounds them too.
  const concurrency = Math.min(config.bi?.sessions ?? 4, destinationConfig.concurrency);
  return { destination, concurrency };
}
