import { describe, expect, it } from 'vitest';

import { call, callJson, emulator, list, logon } from './helpers.js';
import { cms, download, pdfText, pollUntil, statusOf } from './instances-helpers.js';

const REGIONAL = `<schedule>
  <name>dropbox-export</name>
  <format type="pdf"/>
  <parameters>
    <parameter dpId="DP0">
      <id>0</id>
      <technicalName>Region</technicalName>
      <answer><values><value>APAC</value></values></answer>
    </parameter>
  </parameters>
</schedule>`;

const schedulesOf = (docId: number): string => `/raylight/v1/documents/${docId}/schedules`;

describe('Raylight schedules', () => {
  it('runs a schedule pending -> running -> success and produces a downloadable instance', async () => {
    const emu = await emulator({ schedule: { pendingMs: 500, runMs: 800 } });
    const token = await logon(emu);
    const created = await callJson(emu, token, schedulesOf(6004), {
      method: 'POST',
      body: REGIONAL,
    });
    expect(created.status).toBe(200);
    expect(created.body.success.message).toMatch(/successfully created/);
    const id = Number(created.body.success.id);
    expect(id).toBeGreaterThan(6223);

    // Polled the S2 way, by CMS query: every state of the machine shows up in order.
    const seen = await pollUntil(
      () => statusOf(emu, token, id),
      (s) => s === 1,
    );
    expect(seen).toEqual([9, 0, 1]);

    const details = await callJson(emu, token, `${schedulesOf(6004)}/${id}`);
    expect(details.body.schedule).toMatchObject({
      id,
      name: 'dropbox-export',
      format: { '@type': 'pdf' },
      status: { '@id': '1', $: 'Completed' },
      once: { '@retriesAllowed': '0', '@retryIntervalInSeconds': '1800' },
      parameters: {
        parameter: { id: 0, technicalName: 'Region', answer: { values: { value: 'APAC' } } },
      },
    });
    expect(details.body.schedule.error).toBeUndefined();

    const [row] = await cms(
      emu,
      token,
      `SELECT SI_NAME, SI_KIND, SI_PARENTID, SI_OWNER, SI_FILES FROM CI_INFOOBJECTS WHERE SI_ID=${id}`,
    );
    expect(row).toMatchObject({ SI_NAME: 'dropbox-export', SI_KIND: 'Pdf', SI_PARENTID: 6004 });
    const file = await download(emu, token, id);
    expect(file.status).toBe(200);
    expect(await pdfText(file.bytes)).toContain('APAC');
    expect(emu.stats()).toMatchObject({
      instancesCreated: 1,
      schedulesRun: 1,
      instancesDeleted: 0,
    });
  });

  it('reports a failure with its message in the details and in SI_STATUSINFO', async () => {
    const emu = await emulator({ schedule: { pendingMs: 0, runMs: 20 } });
    emu.setSchedule({ failNext: 'Database error: table SALES is locked. (WIS 10901)' });
    const token = await logon(emu);
    const created = await callJson(emu, token, schedulesOf(6003), {
      method: 'POST',
      body: { schedule: { name: 'monthly', format: { '@type': 'xls' } } },
    });
    const id = Number(created.body.success.id);
    await pollUntil(
      () => statusOf(emu, token, id),
      (s) => s === 3,
    );

    const details = await callJson(emu, token, `${schedulesOf(6003)}/${id}`);
    expect(details.body.schedule.status).toEqual({ '@id': '3', $: 'Failed' });
    expect(details.body.schedule.error).toEqual({
      error_code: 'FWB 00031',
      message: 'Database error: table SALES is locked. (WIS 10901)',
    });
    const [row] = await cms(
      emu,
      token,
      `SELECT SI_STATUSINFO, SI_FILES FROM CI_INFOOBJECTS WHERE SI_ID=${id}`,
    );
    expect(row).toEqual({ SI_STATUSINFO: 'Database error: table SALES is locked. (WIS 10901)' });
    expect((await download(emu, token, id)).status).toBe(404);

    // failNext is one-shot: the next run succeeds.
    const again = await callJson(emu, token, schedulesOf(6003), {
      method: 'POST',
      body: { schedule: { format: { '@type': 'xls' } } },
    });
    const second = Number(again.body.success.id);
    await pollUntil(
      () => statusOf(emu, token, second),
      (s) => s === 1,
    );
  });

  it('ends with the asked status (8, 13, 14) and can never finish', async () => {
    const emu = await emulator({ schedule: { pendingMs: 0, runMs: 10, nextStatus: 14 } });
    const token = await logon(emu);
    const post = async (): Promise<number> => {
      const res = await callJson(emu, token, schedulesOf(6003), {
        method: 'POST',
        body: '<schedule><format type="pdf"/></schedule>',
      });
      return Number(res.body.success.id);
    };
    const warning = await post();
    await pollUntil(
      () => statusOf(emu, token, warning),
      (s) => s === 14,
    );
    expect((await download(emu, token, warning)).status).toBe(200);

    emu.setSchedule({ nextStatus: 8 });
    const paused = await post();
    await pollUntil(
      () => statusOf(emu, token, paused),
      (s) => s === 8,
    );
    emu.setSchedule({ nextStatus: 13 });
    const expired = await post();
    await pollUntil(
      () => statusOf(emu, token, expired),
      (s) => s === 13,
    );
    expect((await download(emu, token, expired)).status).toBe(404);

    emu.setSchedule({ runMs: Infinity });
    const stuck = await post();
    await pollUntil(
      () => statusOf(emu, token, stuck),
      (s) => s === 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await statusOf(emu, token, stuck)).toBe(0);
  });

  it('cancels a running schedule with DELETE; the instance is gone', async () => {
    const emu = await emulator({ schedule: { pendingMs: 0, runMs: Infinity } });
    const token = await logon(emu);
    const created = await callJson(emu, token, schedulesOf(6003), {
      method: 'POST',
      body: { schedule: { format: { '@type': 'csv' } } },
    });
    const id = Number(created.body.success.id);
    const deleted = await callJson(emu, token, `${schedulesOf(6003)}/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(deleted.body.success.message).toMatch(/successfully deleted/);

    const gone = await callJson(emu, token, `${schedulesOf(6003)}/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.error_code).toBe('WSR 00400');
    expect(await cms(emu, token, `SELECT SI_ID FROM CI_INFOOBJECTS WHERE SI_ID=${id}`)).toEqual([]);
    expect(emu.stats()).toMatchObject({
      instancesCreated: 1,
      schedulesRun: 0,
      instancesDeleted: 1,
    });

    // A schedule id of another document is not found under this one.
    const other = await callJson(emu, token, `${schedulesOf(6001)}/6211`, { method: 'DELETE' });
    expect(other.status).toBe(404);
  });

  it('lists schedules: several as an array, one as a bare object', async () => {
    const emu = await emulator({ schedule: { pendingMs: 0, runMs: 0 } });
    const token = await logon(emu);
    const many = await callJson(emu, token, schedulesOf(6001));
    expect(
      list(many.body.schedules.schedule).map((s: { status: { '@id': string } }) => s.status['@id']),
    ).toEqual(['1', '1', '1', '3', '9']);

    await callJson(emu, token, schedulesOf(6002), {
      method: 'POST',
      body: '<schedule><format type="pdf"/><parameters><parameter><id>0</id><answer><values><value>Japan</value></values></answer></parameter><parameter><id>1</id><answer><values><value>Tokyo</value></values></answer></parameter></parameters></schedule>',
    });
    const one = await callJson(emu, token, schedulesOf(6002));
    expect(Array.isArray(one.body.schedules.schedule)).toBe(false);
    expect(one.body.schedules.schedule).toMatchObject({ format: { '@type': 'pdf' } });
  });

  it('keeps a recurring schedule pending with its recurrence, and drops an instance kept out of history', async () => {
    const emu = await emulator({ schedule: { pendingMs: 0, runMs: 10 } });
    const token = await logon(emu);
    const recurring = await callJson(emu, token, schedulesOf(6003), {
      method: 'POST',
      body:
        '<schedule><name>nightly</name><format type="xls"/>' +
        '<daily retriesAllowed="1" retryIntervalInSeconds="600"><startdate>2026-12-01T02:00:00.000+01:00</startdate>' +
        '<enddate>2027-12-01T02:00:00.000+01:00</enddate></daily></schedule>',
    });
    const id = Number(recurring.body.success.id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const details = await callJson(emu, token, `${schedulesOf(6003)}/${id}`);
    expect(details.body.schedule).toMatchObject({
      status: { '@id': '9', $: 'Pending' },
      daily: { '@retriesAllowed': '1', startdate: '2026-12-01T02:00:00.000+01:00' },
    });
    const [row] = await cms(
      emu,
      token,
      `SELECT SI_RECURRING, SI_SCHEDULE_STATUS FROM CI_INFOOBJECTS WHERE SI_ID=${id}`,
    );
    expect(row).toEqual({ SI_RECURRING: true, SI_SCHEDULE_STATUS: 9 });
    // Raylight's document details say whether a recurring schedule exists.
    const scheduled = async (doc: number): Promise<boolean> =>
      (await callJson(emu, token, `/raylight/v1/documents/${doc}`)).body.document.scheduled;
    expect([await scheduled(6003), await scheduled(6002)]).toEqual([true, false]);

    const transient = await callJson(emu, token, schedulesOf(6003), {
      method: 'POST',
      body: '<schedule><format type="pdf"/><destination keepInstanceInHistory="false"><inbox/></destination></schedule>',
    });
    const gone = Number(transient.body.success.id);
    await pollUntil(
      async () => (await call(emu, token, `${schedulesOf(6003)}/${gone}`)).status,
      (s) => s === 404,
    );
    expect(emu.stats()).toMatchObject({ schedulesRun: 1, instancesDeleted: 1 });
  });

  it('refuses bad schedules: unknown format, missing prompt, no body, a Crystal report', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const cases: Array<[number, unknown, number, string]> = [
      [6003, '<schedule><format type="xlsx"/></schedule>', 400, 'WSR 00101'],
      [6004, '<schedule><format type="pdf"/></schedule>', 400, 'WSR 00100'],
      [6003, { nothing: {} }, 400, 'WSR 00102'],
      [6090, '<schedule><format type="pdf"/></schedule>', 404, 'WSR 00400'],
    ];
    for (const [doc, body, status, code] of cases) {
      const res = await callJson(emu, token, schedulesOf(doc), { method: 'POST', body });
      expect([doc, res.status, res.body.error.error_code]).toEqual([doc, status, code]);
    }
    expect(emu.stats().instancesCreated).toBe(0);
  });

  it('refuses the viewer (no schedule right) with 403 WSR 00402', async () => {
    const emu = await emulator();
    const token = await logon(emu, 'viewer');
    const res = await callJson(emu, token, schedulesOf(6003), {
      method: 'POST',
      body: '<schedule><format type="pdf"/></schedule>',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.error_code).toBe('WSR 00402');
    const del = await callJson(emu, token, `${schedulesOf(6001)}/6203`, { method: 'DELETE' });
    expect(del.status).toBe(403);
    // The viewer still sees and downloads instances.
    expect((await download(emu, token, 6203)).status).toBe(200);
    expect(emu.stats()).toMatchObject({ instancesCreated: 0, instancesDeleted: 0 });
  });
});
