import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { authorize, type AuthorizeOptions } from '../../src/dropbox/index.js';
import { startFake, type FakeDropbox } from './fake-dropbox.js';

let fake: FakeDropbox;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(() => fake.close());

/** Plays the browser: load the consent page, follow its redirect to the loopback receiver. */
async function browser(url: string): Promise<void> {
  const consent = await fetch(url, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (location) await fetch(location);
}

/** Plays the user of the no-redirect flow: read the code off the page. */
function pasting(): { openUrl: AuthorizeOptions['openUrl']; readCode: () => Promise<string> } {
  let code = '';
  return {
    openUrl: async (url) => {
      const page = await (await fetch(url)).text();
      code = /<code>([^<]+)<\/code>/.exec(page)![1]!;
    },
    readCode: async () => code,
  };
}

const base = (): Omit<AuthorizeOptions, 'openUrl'> => ({
  appKey: 'test-app-key',
  endpoints: fake.endpoints,
  timeoutMs: 5_000,
});

describe('authorisation-code flow with PKCE', () => {
  it('loopback redirect: consent, code, tokens with refresh token and account id', async () => {
    let asked: URL | undefined;
    const tokens = await authorize({
      ...base(),
      openUrl: async (url) => {
        asked = new URL(url);
        await browser(url);
      },
    });

    expect(asked!.pathname).toBe('/oauth2/authorize');
    const q = asked!.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('token_access_type')).toBe('offline');
    expect(q.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(q.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+\/oauth\/callback$/);

    expect(tokens.accessToken).toMatch(/^sl\.fake-access-/);
    expect(tokens.refreshToken).toBe(fake.refreshToken);
    expect(tokens.accountId).toBe('dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc');
    expect(tokens).toMatchObject({
      email: 'franz@example.com',
      name: 'Franz Ferdinand (Personal)',
    });
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 14_000_000);

    const sent = fake.lastTokenRequest!;
    expect(sent.params.get('code_verifier')).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(sent.params.get('redirect_uri')).toBe(q.get('redirect_uri'));
    expect(sent.params.get('client_secret')).toBeNull();
    expect(sent.authorization).toBeUndefined();
  });

  it('a state that does not match is DROPBOX_STATE_MISMATCH', async () => {
    fake.consent = 'wrong-state';
    await expect(authorize({ ...base(), openUrl: browser })).rejects.toMatchObject({
      code: 'DROPBOX_STATE_MISMATCH',
    });
    expect(fake.count('/oauth2/token')).toBe(0);
  });

  it('a denied consent is DROPBOX_CONSENT_DENIED', async () => {
    fake.consent = 'deny';
    await expect(authorize({ ...base(), openUrl: browser })).rejects.toMatchObject({
      code: 'DROPBOX_CONSENT_DENIED',
      remoteCode: 'access_denied',
    });
  });

  it('no-redirect flow: the pasted code is exchanged without redirect_uri', async () => {
    const tokens = await authorize({ ...base(), ...pasting() });
    expect(tokens.refreshToken).toBe(fake.refreshToken);
    expect(fake.lastTokenRequest!.params.has('redirect_uri')).toBe(false);
  });

  it('a code used twice is DROPBOX_AUTH_CODE_INVALID', async () => {
    const user = pasting();
    await authorize({ ...base(), ...user });
    await expect(
      authorize({ ...base(), openUrl: async () => undefined, readCode: user.readCode }),
    ).rejects.toMatchObject({
      code: 'DROPBOX_AUTH_CODE_INVALID',
      status: 400,
      remoteCode: 'invalid_grant',
    });
  });

  it('a code issued for another PKCE challenge is DROPBOX_PKCE_MISMATCH', async () => {
    const page = await (
      await fetch(`${fake.url}/oauth2/authorize?client_id=x&code_challenge=someone-elses`)
    ).text();
    const foreign = /<code>([^<]+)<\/code>/.exec(page)![1]!;
    await expect(
      authorize({ ...base(), openUrl: async () => undefined, readCode: async () => foreign }),
    ).rejects.toMatchObject({
      code: 'DROPBOX_PKCE_MISMATCH',
    });
  });

  it('a pasted redirect URL is checked for its state', async () => {
    await expect(
      authorize({
        ...base(),
        openUrl: async () => undefined,
        readCode: async () => 'http://localhost:1/oauth/callback?code=abc&state=forged',
      }),
    ).rejects.toMatchObject({ code: 'DROPBOX_STATE_MISMATCH' });
  });

  it('with an app secret the token call authenticates with HTTP Basic', async () => {
    await authorize({ ...base(), appSecret: 'app-secret-value', openUrl: browser });
    expect(fake.lastTokenRequest!.authorization).toBe(
      `Basic ${Buffer.from('test-app-key:app-secret-value').toString('base64')}`,
    );
    expect(fake.lastTokenRequest!.params.get('client_secret')).toBeNull();
  });

  it('a refused app key is DROPBOX_INVALID_CLIENT', async () => {
    fake.intercept = (call) =>
      call.route === '/oauth2/token'
        ? { status: 400, json: { error: 'invalid_client: Invalid client_id or client_secret' } }
        : undefined;
    await expect(authorize({ ...base(), openUrl: browser })).rejects.toMatchObject({
      code: 'DROPBOX_INVALID_CLIENT',
    });
  });

  it('no answer from the browser in time is DROPBOX_AUTH_TIMEOUT, and the port is freed', async () => {
    let port = 0;
    await expect(
      authorize({
        ...base(),
        timeoutMs: 150,
        openUrl: async (url) => {
          port = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port);
        },
      }),
    ).rejects.toMatchObject({ code: 'DROPBOX_AUTH_TIMEOUT' });
    await expect(fetch(`http://127.0.0.1:${port}/oauth/callback`)).rejects.toThrow();
  });

  it('a fixed redirect URI is honoured (for the one registered in the App Console)', async () => {
    let redirect = '';
    await authorize({
      ...base(),
      redirectUri: 'http://127.0.0.1:0/cb',
      openUrl: async (url) => {
        redirect = new URL(url).searchParams.get('redirect_uri')!;
        await browser(url);
      },
    });
    expect(redirect).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cb$/);
  });
});
