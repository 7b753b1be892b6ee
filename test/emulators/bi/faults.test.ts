import { describe, expect, it } from 'vitest';

import { demoCredentials } from '../../../src/emulators/bi/index.js';
import { call, callJson, emulator, logon } from './helpers.js';

async function outcome(res: Promise<Response>): Promise<number | 'dropped'> {
  try {
    const r = await res;
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 'dropped';
  }
}

describe('fault injection', () => {
  it('answers 500 WSR 00999 with the layer envelope at serverErrorRate 1', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    emu.setFaults({ serverErrorRate: 1 });
    const raylight = await callJson(emu, token, '/raylight/v1/documents');
    expect(raylight.status).toBe(500);
    expect(raylight.body.error.error_code).toBe('WSR 00999');
    const platform = await callJson(emu, token, '/infostore');
    expect(platform.status).toBe(500);
    expect(platform.body.error_code).toBe('WSR 00999');

    emu.setFaults({});
    expect((await call(emu, token, '/raylight/v1/documents')).status).toBe(200);
  });

  it('drops connections mid-response at dropRate 1, exports included', async () => {
    const emu = await emulator({ largeExportBytes: 4 * 1024 * 1024 });
    const token = await logon(emu);
    emu.setFaults({ dropRate: 1 });
    expect(await outcome(call(emu, token, '/raylight/v1/documents'))).toBe('dropped');
    expect(
      await outcome(call(emu, token, '/raylight/v1/documents/6005', { accept: 'text/csv' })),
    ).toBe('dropped');
    expect(
      await outcome(call(emu, token, '/raylight/v1/documents/6003', { accept: 'application/pdf' })),
    ).toBe('dropped');
    emu.setFaults({ dropRate: 0 });
    expect(await outcome(call(emu, token, '/raylight/v1/documents'))).toBe(200);
  });

  it('injects a share of faults, repeatably for a given seed', async () => {
    const pattern = async (): Promise<Array<number | 'dropped'>> => {
      const emu = await emulator({ seed: 7, faults: { serverErrorRate: 0.3, dropRate: 0.2 } });
      const results: Array<number | 'dropped'> = [];
      for (let i = 0; i < 100; i += 1) {
        results.push(await outcome(call(emu, undefined, '/logon/long')));
      }
      return results;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(first.filter((r) => r === 500).length).toBeGreaterThan(15);
    expect(first.filter((r) => r === 'dropped').length).toBeGreaterThan(5);
    expect(first.filter((r) => r === 200).length).toBeGreaterThan(40);
  });

  it('adds latency per kind of call', async () => {
    const emu = await emulator({ latencyMs: { logon: 150, other: 80, export: 250 } });
    let started = Date.now();
    const token = await logon(emu);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    started = Date.now();
    await call(emu, token, '/raylight/v1/documents');
    const other = Date.now() - started;
    expect(other).toBeGreaterThanOrEqual(75);
    expect(other).toBeLessThan(240);
    started = Date.now();
    await (await call(emu, token, '/raylight/v1/documents/6003', { accept: 'text/csv' })).text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(245);
    expect(demoCredentials.username).toBe('Administrator');
  });
});

describe('dropped logoff', () => {
  it('cuts an empty-bodied response too', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    emu.setFaults({ dropRate: 1 });
    expect(await outcome(call(emu, token, '/logoff', { method: 'POST' }))).toBe('dropped');
  });
});
