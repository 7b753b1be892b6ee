import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startDropboxEmulator,
  type DropboxEmulator,
} from '../../../src/emulators/dropbox/index.js';
import { REDIRECT, basic, consent, json, parseConsent, rpc } from './helpers.js';

let emu: DropboxEmulator;
beforeAll(async () => {
  emu = await startDropboxEmulator({ seed: 1 });
});
afterAll(() => emu.close());

function codeParams(extra: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: emu.demoApp.key,
    response_type: 'code',
    redirect_uri: REDIRECT,
    token_access_type: 'offline',
    state: 'st-42',
    ...extra,
  };
}

async function codeFrom(extra: Record<string, string> = {}): Promise<string> {
  const answer = await consent(emu, codeParams(extra));
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get('location') ?? '');
  expect(location.searchParams.get('state')).toBe(extra['state'] ?? 'st-42');
  return location.searchParams.get('code') ?? '';
}

function token(
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${emu.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
}

const verifier = randomBytes(96).toString('base64url').slice(0, 128);
const challenge = createHash('sha256').update(verifier).digest('base64url');

describe('consent page', () => {
  it('shows the app and the demo account, with one form of hidden inputs and two buttons', async () => {
    const page = await fetch(`${emu.url}/oauth2/authorize?${new URLSearchParams(codeParams())}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('bidrop-demo-app');
    expect(html).toContain('demo@bidrop.example');
    expect(html).toContain('Demo User');
    expect(html).toContain('<form method="post" action="/oauth2/authorize">');
    expect(html).toContain('<button name="decision" value="allow">Allow</button>');
    expect(html).toContain('<button name="decision" value="deny">Cancel</button>');
    const { fields } = parseConsent(html);
    expect(fields).toMatchObject(codeParams());
    expect(fields['csrf_token']).toMatch(/^[\w-]{20,}$/);
  });

  it('round-trips a state with HTML-special characters through the form', async () => {
    const state = `a&b<c>"d'e f`;
    await expect(codeFrom({ state })).resolves.toBeTruthy();
  });

  it('refuses a POST without the page CSRF token', async () => {
    const answer = await fetch(`${emu.url}/oauth2/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...codeParams(), decision: 'allow', csrf_token: 'forged' }),
      redirect: 'manual',
    });
    expect(answer.status).toBe(403);
  });

  it('refuses an unregistered redirect URI on a page, without redirecting', async () => {
    const page = await fetch(
      `${emu.url}/oauth2/authorize?${new URLSearchParams(codeParams({ redirect_uri: 'http://evil.example/cb' }))}`,
      { redirect: 'manual' },
    );
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(await page.text()).toContain('redirect_uri');
  });

  it('accepts the registered loopback redirect on any port, but not another path', async () => {
    await expect(
      codeFrom({ redirect_uri: 'http://127.0.0.1:9/oauth/callback' }),
    ).resolves.toBeTruthy();
    const page = await fetch(
      `${emu.url}/oauth2/authorize?${new URLSearchParams(codeParams({ redirect_uri: 'http://127.0.0.1:9/other' }))}`,
    );
    expect(page.status).toBe(400);
  });

  it('Cancel redirects with access_denied and the state', async () => {
    const answer = await consent(emu, codeParams(), 'deny');
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-42');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('without redirect_uri shows the code on the page for the user to copy', async () => {
    const params = codeParams();
    delete params['redirect_uri'];
    const answer = await consent(emu, params);
    expect(answer.status).toBe(200);
    const code = /<code id="auth-code">([^<]+)<\/code>/.exec(await answer.text())?.[1] ?? '';
    const body = await json(
      await token({ grant_type: 'authorization_code', code }, { Authorization: basic(emu) }),
    );
    expect(body['access_token']).toMatch(/^sl\./);
  });
});

describe('token endpoint', () => {
  it('exchanges a code with HTTP Basic: short-lived token, refresh token, account', async () => {
    const code = await codeFrom();
    const body = await json(
      await token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
        { Authorization: basic(emu) },
      ),
    );
    expect(body).toMatchObject({
      token_type: 'bearer',
      expires_in: 14400,
      uid: expect.any(String),
    });
    expect(body['access_token']).toMatch(/^sl\.u\./);
    expect(body['refresh_token']).toEqual(expect.any(String));
    expect(String(body['account_id'])).toHaveLength(40);
    const account = await json(
      await rpc(emu, String(body['access_token']), 'users/get_current_account'),
    );
    expect(account).toMatchObject({
      email: 'demo@bidrop.example',
      name: { display_name: 'Demo User' },
    });
  });

  it('exchanges a code with the secret in the form', async () => {
    const code = await codeFrom();
    const answer = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: emu.demoApp.key,
      client_secret: emu.demoApp.secret,
    });
    expect(answer.status).toBe(200);
  });

  it('exchanges a code with PKCE and client_id only, parameters in the query string', async () => {
    const code = await codeFrom({ code_challenge: challenge, code_challenge_method: 'S256' });
    const query = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: emu.demoApp.key,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
    });
    const body = await json(await fetch(`${emu.url}/oauth2/token?${query}`, { method: 'POST' }));
    // The PKCE refresh token refreshes with client_id only (note §2.3), JSON Content-Type and all.
    const refreshed = await fetch(
      `${emu.url}/oauth2/token?${new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(body['refresh_token']), client_id: emu.demoApp.key })}`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' } },
    );
    expect(Object.keys(await json(refreshed)).sort()).toEqual([
      'access_token',
      'expires_in',
      'token_type',
    ]);
  });

  it('refuses a wrong PKCE verifier', async () => {
    const code = await codeFrom({ code_challenge: challenge, code_challenge_method: 'S256' });
    const answer = await token({
      grant_type: 'authorization_code',
      code,
      client_id: emu.demoApp.key,
      code_verifier: 'x'.repeat(64),
      redirect_uri: REDIRECT,
    });
    expect(await json(answer, 400)).toEqual({
      error: 'invalid_grant',
      error_description: 'invalid code verifier',
    });
  });

  it('refuses a code used twice', async () => {
    const code = await codeFrom();
    const params = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT };
    expect((await token(params, { Authorization: basic(emu) })).status).toBe(200);
    expect(await json(await token(params, { Authorization: basic(emu) }), 400)).toEqual({
      error: 'invalid_grant',
      error_description: "code doesn't exist or has expired",
    });
  });

  it('refuses a redirect_uri different from the one authorized', async () => {
    const code = await codeFrom();
    const answer = await token(
      { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:53682/other' },
      { Authorization: basic(emu) },
    );
    expect(await json(answer, 400)).toEqual({
      error: 'invalid_grant',
      error_description: 'redirect_uri mismatch',
    });
  });

  it('refuses a wrong secret and a request with no client authentication', async () => {
    const code = await codeFrom();
    const wrong = await token({
      grant_type: 'authorization_code',
      code,
      client_id: emu.demoApp.key,
      client_secret: 'nope',
    });
    expect(await json(wrong, 400)).toEqual({
      error: 'invalid_client: Invalid client_id or client_secret',
    });
    const none = await token({
      grant_type: 'authorization_code',
      code,
      client_id: emu.demoApp.key,
    });
    expect(await json(none, 400)).toEqual({
      error: 'invalid request',
      error_description: 'No auth function available for given request',
    });
  });

  it('refreshes, then revoke disables the token and its refresh token', async () => {
    const code = await codeFrom();
    const first = await json(
      await token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
        { Authorization: basic(emu) },
      ),
    );
    const refreshToken = String(first['refresh_token']);
    const before = emu.stats().refreshes;
    const fresh = await json(
      await token(
        { grant_type: 'refresh_token', refresh_token: refreshToken },
        { Authorization: basic(emu) },
      ),
    );
    expect(emu.stats().refreshes).toBe(before + 1);
    const access = String(fresh['access_token']);
    expect(await json(await rpc(emu, access, 'check/user', { query: 'ping' }))).toEqual({
      result: 'ping',
    });

    const revoked = await rpc(emu, access, 'auth/token/revoke');
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toBe('null');
    const after = await json(
      await rpc(emu, String(first['access_token']), 'check/user', { query: 'x' }),
      401,
    );
    expect(after['error']).toEqual({ '.tag': 'invalid_access_token' });
    const again = await token(
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      { Authorization: basic(emu) },
    );
    expect(await json(again, 400)).toEqual({
      error: 'invalid_grant',
      error_description: 'refresh token is invalid or revoked',
    });
  });

  it('gives no refresh token for online access', async () => {
    const code = await codeFrom({ token_access_type: 'online' });
    const body = await json(
      await token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
        { Authorization: basic(emu) },
      ),
    );
    expect(body['refresh_token']).toBeUndefined();
  });

  it('serves the legacy /1/oauth2/token path too', async () => {
    const code = await codeFrom();
    const answer = await fetch(`${emu.url}/1/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: basic(emu), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }),
    });
    expect(answer.status).toBe(200);
  });
});

describe('token flow (legacy implicit grant)', () => {
  it('puts the access token and the state in the redirect fragment', async () => {
    const answer = await consent(emu, codeParams({ response_type: 'token' }));
    expect(answer.status).toBe(302);
    const fragment = new URLSearchParams(
      new URL(answer.headers.get('location') ?? '').hash.slice(1),
    );
    expect(fragment.get('token_type')).toBe('bearer');
    expect(fragment.get('state')).toBe('st-42');
    const access = fragment.get('access_token') ?? '';
    expect(await json(await rpc(emu, access, 'check/user', { query: 'hi' }))).toEqual({
      result: 'hi',
    });
  });
});
