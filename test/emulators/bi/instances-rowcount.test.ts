import { describe, expect, it } from 'vitest';

import { answer, callJson, emulator, logon } from './helpers.js';

const dp = (id: number): string => `/raylight/v1/documents/${id}/dataproviders/DP0`;

describe('data provider details carry the last refresh', () => {
  it('gives rowCount 0 for Region=Antarctica and the rows for another region', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const before = await callJson(emu, token, dp(6004));
    expect(before.body.dataprovider).toMatchObject({ rowCount: 0, isPartial: false, duration: 0 });

    await answer(emu, token, 6004, { 0: 'Antarctica' });
    const empty = await callJson(emu, token, dp(6004));
    expect(empty.body.dataprovider).toMatchObject({ id: 'DP0', rowCount: 0, isPartial: false });
    expect(empty.body.dataprovider.duration).toBeGreaterThan(0);

    await answer(emu, token, 6004, { 0: 'EMEA' });
    expect((await callJson(emu, token, dp(6004))).body.dataprovider.rowCount).toBe(12);

    // Another session's copy is not refreshed.
    const other = await logon(emu);
    expect((await callJson(emu, other, dp(6004))).body.dataprovider.rowCount).toBe(0);
  });

  it('counts the saved rows of a document saved with data', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const saved = await callJson(emu, token, dp(6003));
    expect(saved.body.dataprovider).toMatchObject({ rowCount: 36, isPartial: false });
  });
});
