/**
 * User rights the emulator enforces: scheduling (and deleting instances) and viewing files.
 * The real rights are finer ("Schedule document to run", "View document instances", "Delete
 * instances", bi4-instances.md 5, Q12); two switches cover what a distributor meets.
 */
import type { Exchange } from './exchange.js';
import type { Session } from './sessions.js';
import type { BiEmulatorRights } from './types.js';
import { WireError } from './wire.js';

/** By default `viewer` may look but not schedule; everyone else may do everything. */
export const DEFAULT_RIGHTS: Record<string, BiEmulatorRights> = {
  viewer: { schedule: false, view: true },
};

const WHAT: Record<keyof BiEmulatorRights, string> = {
  schedule: 'schedule this object',
  view: 'view the files of this object',
};

/**
 * Throws 403 unless the session's user has `right`. The code is Raylight's "user fails to access
 * a resource" (bi4-rest.md 7.2), used on platform routes too: no platform code was found.
 */
export function requireRight(ex: Exchange, session: Session, right: keyof BiEmulatorRights): void {
  if (ex.state.rights[session.user]?.[right] !== false) return;
  throw new WireError(
    403,
    'WSR 00402',
    `The user "${session.user}" has no right to ${WHAT[right]}.`,
  );
}
