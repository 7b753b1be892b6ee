/** Authorises the Dropbox emulator's demo app as a user would, and saves the tokens for bidrop. */
import { authorize, TokenStore } from '../../src/dropbox/index.js';
import type { DropboxEmulator } from '../../src/emulators/dropbox/index.js';

/** The key the token store encrypts with, passed to every spawned bidrop. */
export const secretEnv = { BIDROP_SECRET_KEY: 'fedcba9876543210'.repeat(4) };

const decode = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Loads the consent page, posts its form with decision=allow, and follows the redirect. */
async function allow(url: string): Promise<void> {
  const page = await (await fetch(url)).text();
  const form = /<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(page);
  if (!form) throw new Error('no consent form on the page');
  const body = new URLSearchParams();
  for (const input of form[1]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name && /type="hidden"/i.test(input[0])) body.set(decode(name), decode(value));
  }
  body.set('decision', 'allow');
  const answer = await fetch(new URL('/oauth2/authorize', url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (location) await fetch(location);
}

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
    openUrl: allow,
  });
  await new TokenStore(stateDir, secretEnv).save(name, tokens);
}
