import { describe, expect, it } from 'vitest';

import { answer, call, callJson, emulator, logon } from './helpers.js';

describe('stats', () => {
  it('counts sessions, open documents, logons, logoffs, exports and requests per endpoint', async () => {
    const emu = await emulator();
    expect(emu.stats()).toEqual({
      openSessions: 0,
      openDocuments: 0,
      logons: 0,
      logoffs: 0,
      exports: 0,
      instancesCreated: 0,
      schedulesRun: 0,
      instancesDeleted: 0,
      requests: {},
    });

    const token = await logon(emu);
    await callJson(emu, token, '/raylight/v1/documents/6001');
    await callJson(emu, token, '/raylight/v1/documents/cuid_AaMONTHLYrEVENUE.006003');
    await answer(emu, token, 6001, { 0: 'EMEA', 1: ['Bikes'] });
    await (
      await call(emu, token, '/raylight/v1/documents/6001/reports/1', { accept: 'text/csv' })
    ).text();
    await (
      await call(emu, token, '/raylight/v1/documents/6001', { accept: 'application/pdf' })
    ).arrayBuffer();
    await callJson(emu, token, '/infostore/Root%20Folder/children');
    expect(emu.stats()).toMatchObject({ openSessions: 1, openDocuments: 2, exports: 2 });

    await call(emu, token, '/logoff', { method: 'POST' });
    expect(emu.stats()).toEqual({
      openSessions: 0,
      openDocuments: 0,
      logons: 1,
      logoffs: 1,
      exports: 2,
      instancesCreated: 0,
      schedulesRun: 0,
      instancesDeleted: 0,
      requests: {
        'POST /logon/long': 1,
        'GET /raylight/v1/documents/{id}': 3,
        'PUT /raylight/v1/documents/{id}/parameters': 1,
        'GET /raylight/v1/documents/{id}/reports/{id}': 1,
        'GET /infostore/{id}/children': 1,
        'POST /logoff': 1,
      },
    });
  });

  it('returns a copy that later calls do not change', async () => {
    const emu = await emulator();
    const before = emu.stats();
    await logon(emu);
    expect(before.requests).toEqual({});
    expect(before.logons).toBe(0);
  });
});
