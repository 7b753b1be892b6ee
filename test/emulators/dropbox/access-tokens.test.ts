import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startDropboxEmulator,
  type DropboxEmulator,
} from '../../../src/emulators/dropbox/index.js';
import { authorize, basic, json, rpc } from './helpers.js';

let emu: DropboxEmulator;
beforeAll(async () => {
  emu = await startDropboxEmulator({ seed: 9, accessTokenLifetimeSec: 600 });
});
afterAll(() => emu.close());

describe('access tokens on /2/ calls', () => {
  it('answers 401 expired_access_token once expired, and a refresh gives a working token', async () => {
    const first = await authorize(emu);
    expect(first.expires_in).toBe(600);
    emu.expireAccessTokens();
    const expired = await rpc(emu, first.access_token, 'users/get_current_account');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('Bearer');
    expect((await expired.json()) as unknown).toMatchObject({
      error_summary: expect.stringMatching(/^expired_access_token\/\.{0,3}$/),
      error: { '.tag': 'expired_access_token' },
    });

    const refreshed = await json(
      await fetch(`${emu.url}/oauth2/token`, {
        method: 'POST',
        headers: { Authorization: basic(emu), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=refresh_token&refresh_token=${first.refresh_token ?? ''}`,
      }),
    );
    expect(
      (await rpc(emu, String(refreshed['access_token']), 'users/get_current_account')).status,
    ).toBe(200);
  });

  it('answers unknown tokens with invalid_access_token and missing auth with a 400 text', async () => {
    const unknown = await json(await rpc(emu, 'sl.u.unknown', 'check/user', { query: '' }), 401);
    expect(unknown['error']).toEqual({ '.tag': 'invalid_access_token' });
    const none = await fetch(`${emu.url}/2/check/user`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"query":""}',
    });
    expect(none.status).toBe(400);
    expect(await none.text()).toBe(
      'Error in call to API function "check/user": Must provide HTTP header "Authorization" or URL parameter "authorization".',
    );
  });

  it('answers missing_scope for a token granted fewer scopes', async () => {
    const narrow = await authorize(emu, { scope: 'account_info.read' });
    const answer = await json(
      await rpc(emu, narrow.access_token, 'files/list_folder', { path: '' }),
      401,
    );
    expect(answer['error']).toEqual({
      '.tag': 'missing_scope',
      required_scope: 'files.metadata.read',
    });
  });

  it('refuses a Void route called with an argument', async () => {
    const { access_token } = await authorize(emu);
    const answer = await rpc(emu, access_token, 'users/get_current_account', {});
    expect(answer.status).toBe(400);
    const nullArg = await fetch(`${emu.url}/2/users/get_current_account`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${access_token}`, 'Content-Type': 'application/json' },
      body: 'null',
    });
    expect(nullArg.status).toBe(200);
  });

  it('accepts the home path root and refuses another namespace with 422', async () => {
    const { access_token } = await authorize(emu);
    const call = (root: string) =>
      fetch(`${emu.url}/2/files/list_folder`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${access_token}`,
          'Content-Type': 'application/json',
          'Dropbox-API-Path-Root': root,
        },
        body: '{"path":""}',
      });
    expect((await call('{".tag":"home"}')).status).toBe(200);
    const other = await json(await call('{".tag":"namespace_id","namespace_id":"99"}'), 422);
    expect(other['error']).toEqual({ '.tag': 'no_permission' });
  });
});
