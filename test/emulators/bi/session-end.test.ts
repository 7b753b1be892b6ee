import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { call, callJson, emulator, logon } from './helpers.js';

describe('end of a session', () => {
  it('logoff answers 200, closes the session and its documents; the token then gets 401', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    await callJson(emu, token, '/raylight/v1/documents/6003');
    await callJson(emu, token, '/raylight/v1/documents/6001');
    expect(emu.stats()).toMatchObject({ openSessions: 1, openDocuments: 2 });

    const res = await call(emu, token, '/logoff', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(emu.stats()).toMatchObject({ openSessions: 0, openDocuments: 0, logoffs: 1 });

    const after = await callJson(emu, token, '/raylight/v1/documents/6003');
    expect(after.status).toBe(401);
    expect(after.body.error.error_code).toBe('WSR 00002');
  });

  it('accepts /v1/logoff and refuses a second logoff with FWM 02024', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    expect((await call(emu, token, '/v1/logoff', { method: 'POST' })).status).toBe(200);
    const again = await callJson(emu, token, '/logoff', { method: 'POST' });
    expect(again.status).toBe(401);
    expect(again.body.error_code).toBe('FWM 02024');
  });

  it('expireAllSessions makes every token answer 401', async () => {
    const emu = await emulator();
    const a = await logon(emu);
    const b = await logon(emu);
    await callJson(emu, a, '/raylight/v1/documents/6003');
    emu.expireAllSessions();
    expect(emu.stats()).toMatchObject({ openSessions: 0, openDocuments: 0 });
    for (const token of [a, b]) {
      expect((await call(emu, token, '/raylight/v1/documents')).status).toBe(401);
    }
  });

  it('times out an idle session, while use keeps a session alive', async () => {
    const emu = await emulator({ sessionTimeoutMs: 300 });
    const idle = await logon(emu);
    const busy = await logon(emu);
    for (let i = 0; i < 4; i += 1) {
      await sleep(120);
      expect((await call(emu, busy, '/raylight/v1/session')).status).toBe(200);
    }
    const res = await callJson(emu, idle, '/raylight/v1/session');
    expect(res.status).toBe(401);
    expect(res.body.error.error_code).toBe('WSR 00002');
    expect(emu.stats().openSessions).toBe(1);
  });
});
