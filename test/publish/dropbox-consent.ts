/** Authorises the Dropbox emulator's demo app as a user would, and saves the tokens for bidrop. */
import { authorize, TokenStore } from '../../src/dropbox/index.js';
import { consentAsDemoUser, type DropboxEmulator } from '../../src/emulators/dropbox/index.js';

/** The key the token store encrypts with, passed to every spawned bidrop. */
export const secretEnv = { BIDROP_SECRET_KEY: 'fedcba9876543210'.repeat(4) };

/** Runs the OAuth flow against the emulator and stores the tokens as destination `name`. */
export async function authoriseDestination(
  emu: DropboxEmulator,
  stateDir: string,
  name: string,
): Promise<void> {
  const endpoints = { authorize: emu.url, api: emu.url, content: emu.url };
  const redirectUri = emu.demoApp.redirectUris.find((u) =>
    /^http:\/\/(127\.0\.0\.1|localhost)/.test(u),
  );
  const tokens = await authorize({
    appKey: emu.demoApp.key,
    endpoints,
    timeoutMs: 10_000,
    ...(redirectUri && { redirectUri }),
    openUrl: (url) => consentAsDemoUser(url),
  });
  await new TokenStore(stateDir, secretEnv).save(name, tokens);
}
