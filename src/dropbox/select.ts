/** Choosing the Dropbox destination a command works on, from the loaded configuration. */
import type { Config, DropboxDestinationConfig } from '../config/index.js';
import { ConfigError } from '../core/index.js';

/**
 * The named destination (which must be of type dropbox), or the only dropbox destination when no
 * name is given; CONFIG_ errors say what to write instead.
 */
export function selectDropboxDestination(
  config: Pick<Config, 'destinations' | 'file'>,
  name?: string,
): { name: string; config: DropboxDestinationConfig } {
  const dropbox = Object.entries(config.destinations).filter(
    (entry): entry is [string, DropboxDestinationConfig] => entry[1].type === 'dropbox',
  );

  if (name !== undefined) {
    const found = config.destinations[name];
    if (!found) {
      throw new ConfigError(
        'CONFIG_UNKNOWN_DESTINATION',
        `No destination named "${name}" in ${config.file}`,
        {
          hint: dropbox.length
            ? `Dropbox destinations: ${dropbox.map(([n]) => n).join(', ')}.`
            : 'Declare one under destinations: with type: dropbox.',
        },
      );
    }
    if (found.type !== 'dropbox') {
      throw new ConfigError(
        'CONFIG_NOT_DROPBOX',
        `Destination "${name}" is of type ${found.type}, not dropbox`,
        {
          hint: 'Name a destination with type: dropbox.',
        },
      );
    }
    return { name, config: found };
  }

  if (dropbox.length === 0) {
    throw new ConfigError(
      'CONFIG_NO_DROPBOX_DESTINATION',
      `${config.file} declares no Dropbox destination`,
      {
        hint: 'Add one under destinations: with type: dropbox and appKey: ${DROPBOX_APP_KEY}.',
      },
    );
  }
  if (dropbox.length > 1) {
    throw new ConfigError(
      'CONFIG_DESTINATION_REQUIRED',
      `${config.file} declares several Dropbox destinations`,
      {
        hint: `Choose one with --destination (${dropbox.map(([n]) => n).join(', ')}).`,
      },
    );
  }
  const [only] = dropbox;
  return { name: only![0], config: only![1] };
}
