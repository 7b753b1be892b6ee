/**
 * A stand-in for the person at the browser: loads the emulator's consent page, submits its form
 * with "Allow", and follows the redirect back to the app. `bidrop demo` and tests use it to go
 * through the real OAuth flow with nobody clicking.
 */

const entities: Record<string, string> = { quot: '"', '#39': "'", lt: '<', gt: '>', amp: '&' };

const decode = (text: string): string =>
  text.replace(/&(quot|#39|lt|gt|amp);/g, (_, name: string) => entities[name] ?? '');

/** Consents as the emulator's demo user to the authorisation request at `authorizeUrl`. */
export async function consentAsDemoUser(
  authorizeUrl: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<void> {
  const page = await (await fetch(authorizeUrl)).text();
  const form = /<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(page);
  if (!form) throw new Error(`No consent form at ${new URL(authorizeUrl).origin}`);

  const fields = new URLSearchParams();
  for (const [input] of form[1]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/.exec(input)?.[1];
    if (name && /type="hidden"/i.test(input)) {
      fields.set(decode(name), decode(/\bvalue="([^"]*)"/.exec(input)?.[1] ?? ''));
    }
  }
  fields.set('decision', decision);

  const answer = await fetch(new URL('/oauth2/authorize', authorizeUrl), {
    method: 'POST',
    body: fields,
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  // No redirect URI was given: the page shows the code for the user to copy, nothing to follow.
  if (answer.status === 200 && !location) return;
  if (answer.status !== 302 || !location) {
    throw new Error(`The consent page answered ${answer.status}, not a redirect`);
  }
  await (await fetch(location)).arrayBuffer();
}
