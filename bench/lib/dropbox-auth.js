/**
 * Authorising bidrop against the Dropbox emulator the way a user does: bidrop's `authorize()`
 * opens the consent page (here: GET over HTTP instead of a browser), the "user" submits the form
 * with Allow, and the redirect lands on bidrop's loopback receiver.
 */
import { authorize, TokenStore } from '../../dist/dropbox/index.js';

const entities = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (text) => text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => entities[e]);

/** Plays the user on the emulator's consent page: reads the form, posts it with `decision`. */
export async function consent(url, decision = 'allow') {
  const page = await fetch(url);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html}`);

  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(
    /<input type="hidden" name="([^"]*)" value="([^"]*)">/g,
  )) {
    form.set(unescape(name), unescape(value));
  }
  form.set('decision', decision);
  const action = new URL('/oauth2/authorize', url);
  const answer = await fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`consent answered ${answer.status}`);

  // The browser would follow the redirect to bidrop's loopback receiver.
  const landed = await fetch(location);
  await landed.text();
}

/** Endpoints of a Dropbox destination pointing at the emulator at `url`. */
export function emulatorEndpoints(url) {
  return { authorize: url, api: url, content: url };
}

/**
 * Runs bidrop's OAuth flow against the emulator and saves the tokens for `destination` in
 * `stateDir`, as `bidrop auth dropbox` does. Returns the tokens (the hand-made baseline pastes the
 * access token into its script, as such scripts do).
 */
export async function authoriseDropbox({ dropboxUrl, demoApp, stateDir, destination }) {
  const tokens = await authorize({
    appKey: demoApp.key,
    appSecret: demoApp.secret,
    endpoints: emulatorEndpoints(dropboxUrl),
    redirectUri: 'http://127.0.0.1:0/oauth/callback',
    openUrl: (url) => consent(url),
    timeoutMs: 30_000,
  });
  await new TokenStore(stateDir).save(destination, tokens);
  return tokens;
}
