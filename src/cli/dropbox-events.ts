/** How the CLI logs the Dropbox client's events: per request and chunk at debug, back-off at warn. */
import type { DropboxEvent } from '../dropbox/index.js';
import type { Logger } from './logger.js';

/** A listener for createDropboxDestination's `onEvent` that writes to `logger`. */
export function logDropboxEvents(
  logger: Logger,
  context: Record<string, unknown> = {},
): (event: DropboxEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'request':
        logger.debug(
          {
            ...context,
            route: event.route,
            status: event.status,
            ms: event.ms,
            ...(event.error && { error: event.error }),
          },
          'dropbox: request',
        );
        break;
      case 'retry':
        logger.warn(
          {
            ...context,
            route: event.route,
            attempt: event.attempt,
            delayMs: event.delayMs,
            reason: event.reason,
          },
          'dropbox: backing off',
        );
        break;
      case 'refresh':
        logger.debug(
          { ...context, destination: event.destination, reason: event.reason },
          'dropbox: refreshing the access token',
        );
        break;
      case 'chunk':
        logger.debug(
          { ...context, path: event.path, offset: event.offset, bytes: event.bytes },
          'dropbox: chunk confirmed',
        );
        break;
    }
  };
}
