/**
 * 100 deliveries while both emulators inject faults: 10 % 5xx everywhere, 5 % 429 with
 * Retry-After on Dropbox and 2 % dropped connections on both. Every file must arrive exactly once
 * with the hash history recorded, and no BI session may be left open.
 */
import { afterEach, expect, it } from 'vitest';

import { authorizeDropbox, runInProcess, startWorld, writeConfig, type World } from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

it('delivers 100 files exactly once, each hash verified, with zero BI sessions left', async () => {
  // A new fault pattern each time; the seeds are in every failure message to replay it.
  const seed = Date.now() % 1_000_000;
  world = await startWorld({
    bi: {
      generatedDocuments: 100,
      latencyMs: { logon: 5, export: 5, other: 1 },
      // Slow enough that the export's headers leave before a drop fault cuts its body: the
      // realistic drop, a connection lost in the middle of the file.
      exportBytesPerSecond: 1000,
      seed,
    },
    dropbox: { latencyMs: 1, seed: seed + 1 },
  });
  await authorizeDropbox(world);
  const file = await writeConfig(world, {
    sessions: 8,
    concurrency: 8,
    publications: {
      generated: { documents: ['- folder: /Generated'], to: '/Faults/{document}.{ext}' },
    },
  });
  world.bi.setFaults({ serverErrorRate: 0.1, dropRate: 0.02 });
  world.dropbox.setFaults({ rate5xx: 0.1, rate429: 0.05, retryAfterSec: 1, dropRate: 0.02 });

  const run = await runInProcess(world, file, 'generated');

  const failures = run.result.results
    .filter((r) => r.status !== 'delivered')
    .map((r) => `${r.delivery.target}: ${r.status} ${r.error?.code} ${r.error?.message}`);
  expect(failures, `seed ${seed}`).toEqual([]);
  expect(run.result.status).toBe('succeeded');
  expect(run.result.counts.delivered).toBe(100);

  const stored = new Map(world.dropbox.listFiles().map((f) => [f.path.toLowerCase(), f]));
  expect(stored.size, `seed ${seed}`).toBe(100);
  for (const row of run.rows) {
    expect(row.status).toBe('delivered');
    expect(world.dropbox.revisions(row.path!), `${row.path}, seed ${seed}`).toBe(1);
    expect(stored.get(row.path!.toLowerCase())?.contentHash, `${row.path}`).toBe(row.contentHash);
  }

  const stats = world.bi.stats();
  expect(stats.openSessions, `seed ${seed}`).toBe(0);
  expect(stats.openDocuments).toBe(0);

  // The faults did happen and were retried on both sides, or this test proves nothing.
  expect(run.biEvents.filter((e) => e.type === 'retry').length).toBeGreaterThan(10);
  const dropboxRetries = run.dropboxEvents.filter((e) => e.type === 'retry');
  expect(dropboxRetries.length).toBeGreaterThan(10);
  expect(dropboxRetries.some((e) => e.delayMs === 1000)).toBe(true);
}, 90_000);

it('responses lost after Dropbox committed: retried, and still one revision per file', async () => {
  const seed = Date.now() % 1_000_000;
  world = await startWorld({
    bi: { generatedDocuments: 30 },
    dropbox: { seed, faults: { dropResponseRate: 0.1 } },
  });
  await authorizeDropbox(world);
  const file = await writeConfig(world, {
    publications: {
      generated: { documents: ['- folder: /Generated'], to: '/Lost/{document}.{ext}' },
    },
  });

  const run = await runInProcess(world, file, 'generated');

  expect(run.result.counts.delivered, `seed ${seed}`).toBe(30);
  for (const row of run.rows) {
    expect(world.dropbox.revisions(row.path!), `${row.path}, seed ${seed}`).toBe(1);
  }
  // Some uploads were committed and then retried because their answer never came.
  expect(world.dropbox.stats().requests['/2/files/upload']).toBeGreaterThan(30);
}, 60_000);
