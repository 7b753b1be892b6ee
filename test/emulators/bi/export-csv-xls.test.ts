import { describe, expect, it } from 'vitest';

import { answer, call, emulator, logon } from './helpers.js';

async function text(
  emu: Awaited<ReturnType<typeof emulator>>,
  token: string,
  path: string,
  accept: string,
) {
  const res = await call(emu, token, path, { accept });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('CSV, XLS, HTML and text exports', () => {
  it('exports a report as CSV with a header row and ; separators', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    await answer(emu, token, 6001, { 0: 'AMER', 1: ['Bikes'] });
    const csv = await text(emu, token, '/raylight/v1/documents/6001/reports/2', 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.type).toBe('text/csv;charset=UTF-8');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Date;Region;Product Line;Units;Revenue');
    expect(lines).toHaveLength(71);
    expect(lines[1]).toMatch(/^2026-11-01;AMER;Bikes;\d/);

    const again = await text(emu, token, '/raylight/v1/documents/6001/reports/2', 'text/csv');
    expect(again.body).toBe(csv.body);
    const otherReport = await text(emu, token, '/raylight/v1/documents/6001/reports/1', 'text/csv');
    expect(otherReport.body).not.toBe(csv.body);
  });

  it('exports the whole document and the data provider flow as CSV of the data provider rows', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const whole = await text(emu, token, '/raylight/v1/documents/6003', 'text/csv');
    const flow = await text(
      emu,
      token,
      '/raylight/v1/documents/6003/dataproviders/DP0/flows/0',
      'text/csv',
    );
    expect(whole.body.split('\r\n')[0]).toBe('Month;Account;Amount');
    expect(flow.body).toBe(whole.body);
  });

  it('gives an empty report (header only) for Region=Antarctica', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    await answer(emu, token, 6004, { 0: 'Antarctica' });
    const csv = await text(emu, token, '/raylight/v1/documents/6004/reports/1', 'text/csv');
    expect(csv.body).toBe('Region;Department;Employees\r\n');
  });

  it('exports XLS as an HTML table served as application/vnd.ms-excel', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const xls = await text(emu, token, '/raylight/v1/documents/6003', 'application/vnd.ms-excel');
    expect(xls.type).toBe('application/vnd.ms-excel');
    expect(xls.body).toContain('<h2>Revenue</h2>');
    expect(xls.body).toContain('<h2>Costs</h2>');
    expect(xls.body).toMatch(/<tr><td>2026-01<\/td><td>[A-Za-z]+<\/td><td>[\d.]+<\/td><\/tr>/);

    const html = await text(emu, token, '/raylight/v1/documents/6003/reports/1', 'text/html');
    expect(html.type).toBe('text/html;charset=UTF-8');
    const plain = await text(emu, token, '/raylight/v1/documents/6003/reports/1', 'text/plain');
    expect(plain.body.split('\n').slice(0, 2)).toEqual(['Revenue', 'Month\tAccount\tAmount']);
  });

  it('refuses an unsupported Accept with 406 WSR 00501 and counts only real exports', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const res = await call(emu, token, '/raylight/v1/documents/6003', { accept: 'image/png' });
    expect(res.status).toBe(406);
    expect(await res.text()).toContain('<error_code>WSR 00501</error_code>');
    const flowPdf = await call(
      emu,
      token,
      '/raylight/v1/documents/6003/dataproviders/DP0/flows/0',
      {
        accept: 'application/pdf',
      },
    );
    expect(flowPdf.status).toBe(406);
    expect(emu.stats().exports).toBe(0);
  });
});
