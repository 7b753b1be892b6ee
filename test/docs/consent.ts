/** Plays the browser on the Dropbox emulator's consent page: open it, choose Allow, follow back. */
import { consentAsDemoUser } from '../../src/emulators/dropbox/index.js';

/** Approves the consent at `authorizeUrl` and delivers the redirect to bidrop's loopback page. */
export function approveConsent(authorizeUrl: string): Promise<void> {
  return consentAsDemoUser(authorizeUrl, 'allow');
}
