import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { call, emulator, logon } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// Runs in a child with --expose-gc so that memory can be measured after collection: what the
// export keeps alive, not garbage that has simply not been collected yet. It uses the build in
// dist/ (made by the test global setup) and node:http, which reads far faster than fetch.
const MEASURE = `
import { get } from 'node:http';
import { startBiEmulator, demoCredentials } from './dist/emulators/bi/index.js';
const emu = await startBiEmulator();
const logon = await fetch(emu.url + '/logon/long', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  body: JSON.stringify({ userName: demoCredentials.username, password: demoCredentials.password }),
});
const token = logon.headers.get('x-sap-logontoken');
const used = () => { gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const baseline = used();
const result = await new Promise((resolve, reject) => {
  const url = emu.url + '/raylight/v1/documents/6005';
  get(url, { headers: { 'X-SAP-LogonToken': token, Accept: 'text/csv' } }, (res) => {
    let bytes = 0, n = 0, peak = 0;
    res.on('data', (chunk) => {
      bytes += chunk.length;
      if (++n % 200 === 0) peak = Math.max(peak, used() - baseline);
    });
    res.on('end', () => resolve({ bytes, peak, chunked: res.headers['transfer-encoding'] }));
    res.on('error', reject);
  }).on('error', reject);
});
await emu.close();
process.stdout.write(JSON.stringify(result));
`;

describe('large export', () => {
  it('streams exactly 64 MiB by default, chunked, keeping memory flat', () => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', MEASURE], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const { bytes, peak, chunked } = JSON.parse(run.stdout) as Record<string, number | string>;
    expect(bytes).toBe(64 * 1024 * 1024);
    expect(chunked).toBe('chunked');
    // Building the body whole would keep 64 MiB alive. Streaming shows a fixed ~10 MiB of socket
    // and parser buffers in flight, the same at 64 and 256 MiB (measured), so 24 MiB has margin.
    expect(peak).toBeLessThan(24 * 1024 * 1024);
  });

  it('starts with the header row and zero-padded rows', async () => {
    const emu = await emulator({ largeExportBytes: 100 });
    const token = await logon(emu);
    const res = await call(emu, token, '/raylight/v1/documents/6005', { accept: 'text/csv' });
    const text = await res.text();
    expect(text).toHaveLength(100);
    expect(text.startsWith('Row;Payload\n0000000001;payload-')).toBe(true);
  });

  it('honours an exact odd size, for a report and in any format', async () => {
    const emu = await emulator({ largeExportBytes: 1_000_003 });
    const token = await logon(emu);
    for (const [path, accept] of [
      ['/raylight/v1/documents/6005/reports/1', 'text/csv'],
      ['/raylight/v1/documents/6005', 'application/pdf'],
    ] as const) {
      const res = await call(emu, token, path, { accept });
      expect(res.headers.get('content-type')).toMatch(accept);
      expect((await res.arrayBuffer()).byteLength).toBe(1_000_003);
    }
    expect(emu.stats().exports).toBe(2);
  });

  it('throttles export bodies to exportBytesPerSecond', async () => {
    const emu = await emulator({ largeExportBytes: 60_000, exportBytesPerSecond: 100_000 });
    const token = await logon(emu);
    const started = Date.now();
    const res = await call(emu, token, '/raylight/v1/documents/6005', { accept: 'text/csv' });
    expect((await res.arrayBuffer()).byteLength).toBe(60_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(3000);
  });
});
