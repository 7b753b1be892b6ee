import { describe, expect, it } from 'vitest';

import { callJson, emulator, logon } from './helpers.js';
import { cms, pollUntil, statusOf } from './instances-helpers.js';

describe('instance limit', () => {
  it('purges the oldest finished instances of an object past the limit, not the recurring one', async () => {
    const emu = await emulator({ instanceLimit: 2, schedule: { pendingMs: 0, runMs: 10 } });
    const token = await logon(emu);
    const ids = (): Promise<number[]> =>
      cms(
        emu,
        token,
        'SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_PARENTID=6003 AND SI_INSTANCE=1',
      ).then((rows) => rows.map((r) => r.SI_ID as number));
    expect(await ids()).toEqual([6211, 6212]);

    const run = async (): Promise<number> => {
      const res = await callJson(emu, token, '/raylight/v1/documents/6003/schedules', {
        method: 'POST',
        body: '<schedule><format type="xls"/></schedule>',
      });
      const id = Number(res.body.success.id);
      await pollUntil(
        () => statusOf(emu, token, id),
        (s) => s === 1,
      );
      return id;
    };
    const first = await run();
    expect(await ids()).toEqual([6211, 6212, first]);
    const second = await run();
    // Three finished instances, limit 2: the sample one (6211) went; the template stays.
    expect(await ids()).toEqual([6212, first, second]);
    const third = await run();
    expect(await ids()).toEqual([6212, second, third]);
    expect(emu.stats()).toMatchObject({
      instancesCreated: 3,
      schedulesRun: 3,
      instancesDeleted: 2,
    });

    const file = await callJson(emu, token, '/infostore/folder/6211/file');
    expect(file.status).toBe(404);
  });
});
