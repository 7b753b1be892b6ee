import { describe, expect, it } from 'vitest';

import { call, callJson, emulator, logon } from './helpers.js';
import { demoCredentials } from '../../../src/emulators/bi/index.js';

const logonBody = {
  userName: 'Administrator',
  password: demoCredentials.password,
  auth: 'secEnterprise',
};

describe('concurrent session licence', () => {
  it('refuses a logon past maxSessions with 401 FWB 00025, and admits one after a logoff', async () => {
    const emu = await emulator({ maxSessions: 2 });
    const first = await logon(emu);
    await logon(emu);

    const refused = await callJson(emu, undefined, '/logon/long', {
      method: 'POST',
      body: logonBody,
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error_code).toBe('FWB 00025');
    expect(refused.body.message).toMatch(/2 Concurrent Logon licenses are in use/);
    expect(emu.stats()).toMatchObject({ openSessions: 2, logons: 2 });

    await call(emu, first, '/logoff', { method: 'POST' });
    expect(
      (await call(emu, undefined, '/logon/long', { method: 'POST', body: logonBody })).status,
    ).toBe(200);
  });

  it('setMaxSessions changes the limit at run time', async () => {
    const emu = await emulator({ maxSessions: 1 });
    await logon(emu);
    expect(
      (await call(emu, undefined, '/logon/long', { method: 'POST', body: logonBody })).status,
    ).toBe(401);
    emu.setMaxSessions(2);
    expect(
      (await call(emu, undefined, '/logon/long', { method: 'POST', body: logonBody })).status,
    ).toBe(200);
  });
});
