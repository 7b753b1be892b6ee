import { describe, expect, it } from 'vitest';

import { callJson, emulator, logon } from './helpers.js';

describe('logon token header', () => {
  it('accepts the token quoted and unquoted', async () => {
    const emu = await emulator();
    const quoted = await logon(emu);
    const bare = quoted.slice(1, -1);
    for (const token of [quoted, bare]) {
      const { status, body } = await callJson(emu, token, '/raylight/v1/session');
      expect(status).toBe(200);
      expect(body.session.user).toBe('Administrator');
    }
  });

  it('refuses a token quoted twice or altered with WSR 00002', async () => {
    const emu = await emulator();
    const quoted = await logon(emu);
    for (const token of [`"${quoted}"`, `${quoted.slice(0, -2)}x"`, `'${quoted.slice(1, -1)}'`]) {
      const { status, body } = await callJson(emu, token, '/raylight/v1/documents');
      expect(status).toBe(401);
      expect(body.error.error_code).toBe('WSR 00002');
    }
  });

  it('answers a missing token with WSR 00001 on Raylight and FWB 00003 on the platform', async () => {
    const emu = await emulator();
    const raylight = await callJson(emu, undefined, '/raylight/v1/documents');
    expect(raylight.status).toBe(401);
    expect(raylight.body.error.error_code).toBe('WSR 00001');

    const platform = await callJson(emu, undefined, '/infostore');
    expect(platform.status).toBe(401);
    expect(platform.body).toEqual({
      error_code: 'FWB 00003',
      message: 'Not a valid logon token. (FWB 00003)',
    });
  });
});
