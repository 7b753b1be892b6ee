/** Runs a publication through bidrop's programmatic API, as `bidrop run` and `bidrop serve` do. */
import { createBiSource } from '../../dist/bi/index.js';
import { createDestination } from '../../dist/destinations/index.js';
import { runPublication } from '../../dist/publish/index.js';
import { openHistory } from '../../dist/store/index.js';
import { parseTarget } from '../../dist/config/index.js';

/**
 * Runs publication `name` of a loaded `config` once and resolves with bidrop's RunResult. The
 * concurrency is the lower of the BI sessions and the destination's, as the CLI computes it.
 */
export async function runOnce(config, name, options = {}) {
  const publication = config.publications[name];
  const destinationName = parseTarget(publication.to).destination;
  const destinationConfig = config.destinations[destinationName];
  const source = createBiSource(config.bi);
  const destination = createDestination(destinationName, destinationConfig, {
    stateDir: config.stateDir,
    ...(options.onDropboxEvent && { onEvent: options.onDropboxEvent }),
  });
  const history = openHistory(config.stateDir);
  try {
    return await runPublication({
      name,
      publication,
      source,
      destination,
      history,
      concurrency: Math.min(config.bi.sessions, destinationConfig.concurrency),
      ...(options.onEvent && { onEvent: options.onEvent }),
    });
  } finally {
    history.close();
  }
}
