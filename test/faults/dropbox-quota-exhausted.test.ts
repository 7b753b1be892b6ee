/**
 * The Dropbox account fills up during `bidrop run`: the deliveries after that fail with a clear
 * message and exit code 1, history says exactly what arrived and what did not, and nothing half
 * written is ever committed.
 */
import { afterEach, expect, it } from 'vitest';

import { openHistory } from '../../src/store/index.js';
import { authorizeDropbox, startCli, startWorld, writeConfig, type World } from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const fullMessage = 'DROPBOX_INSUFFICIENT_SPACE: The Dropbox account is full';

it('quota reached midway: the rest fail clearly, exit 1, history exact, no partial files', async () => {
  world = await startWorld({ bi: { generatedDocuments: 20, exportBytesPerSecond: 2000 } });
  await authorizeDropbox(world);
  const config = await writeConfig(world, {
    sessions: 2,
    concurrency: 2,
    publications: {
      generated: { documents: ['- folder: /Generated'], to: '/Quota/{document}.{ext}' },
    },
  });

  const cli = startCli(world, ['--config', config, 'run', 'generated']);
  // Fill the account to the byte once 8 files are in: every later write is one too many.
  const dropbox = world.dropbox;
  const watcher = setInterval(() => {
    if (dropbox.listFiles().length >= 8) {
      dropbox.setQuota(dropbox.stats().bytesStored);
      clearInterval(watcher);
    }
  }, 5);
  const result = await cli.done;
  clearInterval(watcher);

  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).toContain(
    'Free space in the Dropbox account or upgrade it, then run again.',
  );
  const files = world.dropbox.listFiles();
  expect(files.length).toBeGreaterThanOrEqual(8);
  expect(files.length).toBeLessThan(20);

  const history = openHistory(world.stateDir);
  try {
    const run = history.latestRun('generated')!;
    const rows = history.deliveries(run.id);
    const delivered = rows.filter((r) => r.status === 'delivered');
    const failed = rows.filter((r) => r.status === 'failed');
    expect(run.status).toBe('failed');
    expect([run.total, run.delivered, run.failed]).toEqual([20, delivered.length, failed.length]);
    expect(delivered.length + failed.length).toBe(20);

    // What history calls delivered is there, once, with its hash; nothing else is.
    const byPath = new Map(files.map((f) => [f.path.toLowerCase(), f]));
    expect(delivered.map((r) => r.path!.toLowerCase()).sort()).toEqual([...byPath.keys()].sort());
    for (const row of delivered) {
      expect(byPath.get(row.path!.toLowerCase())!.contentHash).toBe(row.contentHash);
      expect(world.dropbox.revisions(row.path!)).toBe(1);
    }
    for (const row of failed) {
      expect(row.errorCode).toBe('DROPBOX_INSUFFICIENT_SPACE');
      expect([row.path, row.contentHash]).toEqual([null, null]);
      expect(world.dropbox.revisions(row.target)).toBe(0);
      expect(result.stderr).toContain(`${row.target}: ${fullMessage}`);
    }
  } finally {
    history.close();
  }
}, 60_000);

it('a file larger than the space left: the upload session is never committed', async () => {
  const big = 9 * 1024 * 1024;
  world = await startWorld({
    bi: { largeExportBytes: big },
    dropbox: { quotaBytes: 5 * 1024 * 1024 },
  });
  await authorizeDropbox(world);
  const config = await writeConfig(world, {
    chunkSizeMiB: 4,
    publications: { big: { documents: ['- id: 6005'], to: '/Quota/{document}.{ext}' } },
  });

  const result = await startCli(world, ['--config', config, 'run', 'big']).done;

  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).toContain(`/Quota/Large Export.csv: ${fullMessage}`);
  // Chunks went up in a session (so a partial file was possible) but none was committed.
  const requests = world.dropbox.stats().requests;
  expect(requests['/2/files/upload_session/append_v2']).toBeGreaterThanOrEqual(1);
  expect(world.dropbox.listFiles()).toEqual([]);
  expect(world.dropbox.revisions('/Quota/Large Export.csv')).toBe(0);
  expect(world.dropbox.stats().bytesStored).toBe(0);

  const history = openHistory(world.stateDir);
  try {
    const run = history.latestRun('big')!;
    expect([run.status, run.total, run.failed]).toEqual(['failed', 1, 1]);
    const [row] = history.deliveries(run.id);
    expect([row!.status, row!.errorCode, row!.path]).toEqual([
      'failed',
      'DROPBOX_INSUFFICIENT_SPACE',
      null,
    ]);
  } finally {
    history.close();
  }
  expect(world.bi.stats().openSessions).toBe(0);
}, 60_000);
