/** Plays the browser on the Dropbox emulator's consent page: open it, choose Allow, follow back. */

/** Approves the consent at `authorizeUrl` and delivers the redirect to bidrop's loopback page. */
export async function approveConsent(authorizeUrl: string): Promise<void> {
  const page = await (await fetch(authorizeUrl)).text();
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page);
  if (!form) throw new Error('the consent page has no form');

  const fields = new URLSearchParams();
  for (const [input] of form[2]!.matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    if (name && name !== 'decision')
      fields.set(name, decode(/value="([^"]*)"/.exec(input)?.[1] ?? ''));
  }
  fields.set('decision', 'allow');

  const action = new URL(decode(form[1]!), authorizeUrl);
  const approved = await fetch(action, { method: 'POST', body: fields, redirect: 'manual' });
  const location = approved.headers.get('location');
  if (approved.status !== 302 || !location) {
    throw new Error(`consent answered ${approved.status}, not a redirect`);
  }
  await (await fetch(location)).text();
}

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#(x?)([0-9a-f]+);/gi, (_m, hex: string, n: string) =>
      String.fromCodePoint(parseInt(n, hex ? 16 : 10)),
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
