import { describe, expect, it } from 'vitest';

import { call, emulator, logon } from './helpers.js';
import { cms } from './instances-helpers.js';

const LATEST = (docId: number): string =>
  'SELECT TOP 1 SI_ID, SI_CUID, SI_NAME, SI_KIND, SI_PARENTID, SI_OWNER, SI_SCHEDULE_STATUS, ' +
  'SI_STARTTIME, SI_ENDTIME, SI_CREATION_TIME, SI_UPDATE_TS, SI_FILES FROM CI_INFOOBJECTS ' +
  `WHERE SI_PARENTID = ${docId} AND SI_INSTANCE = 1 AND SI_SCHEDULE_STATUS = 1 ORDER BY SI_ENDTIME DESC`;

describe('instances in CMS queries', () => {
  it('finds the newest successful instance of Daily Sales with the JSON shape of the note', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const [latest, ...rest] = await cms(emu, token, LATEST(6001));
    expect(rest).toEqual([]);
    expect(latest).toEqual({
      SI_ID: 6203,
      SI_CUID: expect.stringMatching(/^[A-Za-z0-9_.]{23}$/),
      SI_NAME: 'Daily Sales',
      SI_KIND: 'Pdf',
      SI_PARENTID: 6001,
      SI_OWNER: 'Administrator',
      SI_SCHEDULE_STATUS: 1,
      SI_STARTTIME: '28.11.2026 02:00',
      SI_ENDTIME: '28.11.2026 02:03',
      SI_CREATION_TIME: '28.11.2026 01:59',
      SI_UPDATE_TS: '28.11.2026 02:03',
      SI_FILES: {
        SI_NUM_FILES: 1,
        SI_FILE1: expect.stringMatching(/^~ce[0-9a-f]{16}\.pdf$/),
        SI_VALUE1: expect.any(Number),
        SI_PATH: expect.stringMatching(/^frs:\/\/Output\/a_/),
      },
    });

    // The Crystal report's newest successful instance is a PDF too; Monthly Revenue's is Excel.
    expect((await cms(emu, token, LATEST(6090)))[0]).toMatchObject({ SI_ID: 6223, SI_KIND: 'Pdf' });
    expect((await cms(emu, token, LATEST(6003)))[0]).toMatchObject({
      SI_ID: 6211,
      SI_KIND: 'Excel',
    });
    // A document with no instance gives no entry.
    expect(await cms(emu, token, LATEST(6002))).toEqual([]);
  });

  it('lists every instance, the failed ones with SI_STATUSINFO, and the recurring templates', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const all = await cms(
      emu,
      token,
      'SELECT SI_ID, SI_SCHEDULE_STATUS, SI_RECURRING FROM CI_INFOOBJECTS WHERE SI_PARENTID=6001 AND SI_INSTANCE=1 ORDER BY SI_ID DESC',
    );
    expect(all).toEqual([
      { SI_ID: 6205, SI_SCHEDULE_STATUS: 9, SI_RECURRING: true },
      { SI_ID: 6204, SI_SCHEDULE_STATUS: 3, SI_RECURRING: false },
      { SI_ID: 6203, SI_SCHEDULE_STATUS: 1, SI_RECURRING: false },
      { SI_ID: 6202, SI_SCHEDULE_STATUS: 1, SI_RECURRING: false },
      { SI_ID: 6201, SI_SCHEDULE_STATUS: 1, SI_RECURRING: false },
    ]);

    const failed = await cms(
      emu,
      token,
      'SELECT SI_ID, SI_STATUSINFO, SI_SCHEDULEINFO, SI_FILES FROM CI_INFOOBJECTS WHERE SI_PARENTID = 6001 AND SI_INSTANCE = 1 AND SI_SCHEDULE_STATUS = 3',
    );
    expect(failed).toHaveLength(1);
    expect(failed[0].SI_STATUSINFO).toMatch(/Login timeout expired\. \(WIS 10901\)$/);
    expect(failed[0].SI_SCHEDULEINFO.SI_ERROR_MESSAGE).toBe(failed[0].SI_STATUSINFO);
    expect(failed[0].SI_FILES).toBeUndefined();

    const recurring = await cms(
      emu,
      token,
      'SELECT SI_ID, SI_PARENTID, SI_NEXTRUNTIME, SI_SCHEDULEINFO FROM CI_INFOOBJECTS WHERE SI_RECURRING=1 AND SI_SCHEDULE_STATUS=9',
    );
    expect(recurring.map((r) => [r.SI_ID, r.SI_PARENTID])).toEqual([
      [6205, 6001],
      [6212, 6003],
    ]);
    expect(recurring[0]).toMatchObject({
      SI_NEXTRUNTIME: '05.12.2026 02:00',
      SI_SCHEDULEINFO: { SI_SCHEDULE_TYPE: 2 },
    });
    expect(recurring[1].SI_SCHEDULEINFO.SI_SCHEDULE_TYPE).toBe(4);
  });

  it('orders by the time, not the text of a date, and filters on dates and bag members', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    // '01.11.2026' sorts before '26.11.2026' as text; as times Crystal's 20.11 run is older.
    const byEnd = await cms(
      emu,
      token,
      'SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_INSTANCE=1 AND SI_SCHEDULE_STATUS=1 ORDER BY SI_ENDTIME ASC',
    );
    expect(byEnd.map((r) => r.SI_ID)).toEqual([6211, 6221, 6201, 6202, 6223, 6203]);

    const recent = await cms(
      emu,
      token,
      "SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_INSTANCE=1 AND SI_ENDTIME >= '2026.11.28' AND SI_FILES.SI_NUM_FILES = 1",
    );
    expect(recent.map((r) => r.SI_ID)).toEqual([6203]);

    const byOwner = await cms(
      emu,
      token,
      "SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_PARENTID=6090 AND SI_INSTANCE=1 AND SI_OWNER='nobody'",
    );
    expect(byOwner).toEqual([]);
  });

  it('answers dates in the configured format', async () => {
    const emu = await emulator({ cmsDateFormat: 'iso' });
    const token = await logon(emu);
    const [row] = await cms(emu, token, 'SELECT SI_ENDTIME FROM CI_INFOOBJECTS WHERE SI_ID=6211');
    expect(row).toEqual({ SI_ENDTIME: '2026-11-01T03:02:00.000Z' });
  });

  it('shows uploaded files as objects with SI_INSTANCE 0 and a file, and leaves documents alone', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const uploads = await cms(
      emu,
      token,
      "SELECT SI_ID, SI_NAME, SI_KIND, SI_INSTANCE, SI_FILES FROM CI_INFOOBJECTS WHERE SI_KIND IN ('Pdf', 'Excel') AND SI_INSTANCE=0",
    );
    expect(uploads.map((u) => [u.SI_ID, u.SI_KIND])).toEqual([
      [6100, 'Pdf'],
      [6101, 'Excel'],
    ]);
    expect(uploads[1].SI_FILES.SI_FILE1).toMatch(/\.xlsx$/);
    expect(uploads[0].SI_FILES.SI_PATH).toMatch(/^frs:\/\/Input\//);

    // The documents a distributor lists are the same as before instances existed.
    const webi = await cms(
      emu,
      token,
      "SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_KIND='Webi' AND SI_INSTANCE=0",
    );
    expect(webi.map((w) => w.SI_ID)).toEqual([6001, 6002, 6003, 6004, 6005]);
  });

  it('writes bags as nested attrs in the Atom answer', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const res = await call(emu, token, '/v1/cmsquery', {
      method: 'POST',
      accept: 'application/xml',
      body: { query: 'SELECT SI_ID, SI_FILES FROM CI_INFOOBJECTS WHERE SI_ID=6203' },
    });
    const xml = await res.text();
    expect(xml).toContain(
      '<attr name="SI_FILES" type="bag"><attrs><attr name="SI_NUM_FILES" type="int32">1</attr>',
    );
  });
});
