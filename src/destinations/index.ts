/**
 * Destinations by configuration: the one place that knows which kinds exist. The runner only sees
 * the Destination interface of core/delivery.ts.
 */
import type { DestinationConfig } from '../config/index.js';
import type { Destination } from '../core/index.js';
import type { DropboxEventListener } from '../dropbox/index.js';
import { createDropboxDestination } from './dropbox.js';
import { createFolderDestination } from './folder.js';

export { createFolderDestination, resolveInside } from './folder.js';
export {
  createDropboxDestination,
  type DropboxDestination,
  type DropboxDestinationOptions,
} from './dropbox.js';

export interface DestinationOptions {
  /** Where tokens and spools live (the config's stateDir). */
  stateDir: string;
  onEvent?: DropboxEventListener;
  env?: NodeJS.ProcessEnv;
}

/** Creates the destination `name` declared with `config`. */
export function createDestination(
  name: string,
  config: DestinationConfig,
  options: DestinationOptions,
): Destination {
  if (config.type === 'folder') return createFolderDestination(name, config);
  return createDropboxDestination(name, config, {
    stateDir: options.stateDir,
    ...(options.onEvent && { onEvent: options.onEvent }),
    ...(options.env && { env: options.env }),
  });
}
