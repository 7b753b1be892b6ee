import { describe, expect, it } from 'vitest';

import { call, callJson, emulator, logon } from './helpers.js';
import { cms, download, pdfText, pollUntil, statusOf } from './instances-helpers.js';

describe('platform schedule forms', () => {
  it('lists the forms and gives the "now" template in XML and JSON, by id or CUID', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const feed = await call(emu, token, '/infostore/6090/scheduleForms', {
      accept: 'application/xml',
    });
    const xml = await feed.text();
    expect(feed.status).toBe(200);
    for (const form of ['now', 'once', 'hourly', 'daily', 'weekly', 'monthly', 'NthDayOfMonth']) {
      expect(xml).toContain(`href="${emu.url}/infostore/6090/scheduleForms/${form}"`);
    }

    const now = await call(emu, token, '/infostore/AcLEGACYiNVOICES.006090/scheduleForms/now', {
      accept: 'application/xml',
    });
    const entry = await now.text();
    expect(entry).toContain('<entry xmlns="http://www.w3.org/2005/Atom">');
    expect(entry).toContain(
      '<id>tag:sap.com,2010:bip-rs/AcLEGACYiNVOICES.006090/scheduleForms/now</id>',
    );
    expect(entry).toContain('<title type="text">Schedule Legacy Invoices now</title>');
    expect(entry).toContain('<attr name="retriesAllowed" type="int32">0</attr>');
    expect(entry).toContain('<attr name="retryIntervalInSeconds" type="int32">1800</attr>');

    const json = await callJson(emu, token, '/infostore/6001/scheduleForms/now');
    expect(json.body).toEqual({ retriesAllowed: 0, retryIntervalInSeconds: 1800 });
  });

  it('runs a Crystal report now: 201 with Location, then a PDF instance', async () => {
    const emu = await emulator({ schedule: { pendingMs: 10, runMs: 30 } });
    const token = await logon(emu);
    const template = await (
      await call(emu, token, '/infostore/6090/scheduleForms/now', { accept: 'application/xml' })
    ).text();
    const res = await call(emu, token, '/infostore/6090/scheduleForms/now', {
      method: 'POST',
      accept: 'application/xml',
      body: template,
    });
    expect(res.status).toBe(201);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${emu.url}/infostore/\\d+$`));
    // S2 takes the id as the 6th '/'-separated field of the Location.
    const id = Number(location.split('/')[5]);

    await pollUntil(
      () => statusOf(emu, token, id),
      (s) => s === 1,
    );
    const [row] = await cms(
      emu,
      token,
      `SELECT SI_KIND, SI_PARENTID, SI_OWNER FROM CI_INFOOBJECTS WHERE SI_ID=${id}`,
    );
    expect(row).toEqual({ SI_KIND: 'Pdf', SI_PARENTID: 6090, SI_OWNER: 'Administrator' });
    expect(await pdfText((await download(emu, token, id)).bytes)).toContain('Legacy Invoices');
  });

  it('runs a prompted Webi document with its saved answers (JSON body)', async () => {
    const emu = await emulator({ schedule: { pendingMs: 0, runMs: 10 } });
    const token = await logon(emu);
    const res = await call(emu, token, '/infostore/6002/scheduleForms/now', {
      method: 'POST',
      body: { retriesAllowed: 0, retryIntervalInSeconds: 1800 },
    });
    expect(res.status).toBe(201);
    const id = Number(res.headers.get('location')?.split('/')[5]);
    await pollUntil(
      () => statusOf(emu, token, id),
      (s) => s === 1,
    );
    expect(await pdfText((await download(emu, token, id)).bytes)).toMatch(/France .*Paris/);
  });

  it('refuses objects that cannot be scheduled, other forms, the viewer, and a bad body', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    for (const ref of ['5002', '6100', '6203']) {
      const res = await callJson(emu, token, `/infostore/${ref}/scheduleForms`);
      expect([ref, res.status, res.body.error_code]).toEqual([ref, 400, 'WSR 00501']);
    }
    const daily = await callJson(emu, token, '/infostore/6090/scheduleForms/daily', {
      method: 'POST',
      body: {},
    });
    expect(daily.status).toBe(400);
    const bad = await callJson(emu, token, '/infostore/6090/scheduleForms/now', {
      method: 'POST',
      body: '<entry><unclosed>',
    });
    expect([bad.status, bad.body.error_code]).toEqual([400, 'WSR 00102']);
    const unknown = await callJson(emu, token, '/infostore/6090/scheduleForms/yearly');
    expect(unknown.status).toBe(404);

    const viewer = await logon(emu, 'viewer');
    const refused = await callJson(emu, viewer, '/infostore/6090/scheduleForms/now', {
      method: 'POST',
      body: { retriesAllowed: 0 },
    });
    expect([refused.status, refused.body.error_code]).toEqual([403, 'WSR 00402']);
    expect(emu.stats().instancesCreated).toBe(0);
  });
});
