/**
 * `bidrop run` killed with SIGKILL midway (no chance to clean up) and started again: the second
 * run takes over the orphaned one and finishes it, and every file is in Dropbox exactly once. A
 * killed process cannot log off; its BI sessions end only by the platform's idle timeout. SIGTERM,
 * by contrast, leaves time to log off, and `--resume` finishes that run.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, expect, it } from 'vitest';

import { openHistory } from '../../src/store/index.js';
import {
  authorizeDropbox,
  startCli,
  startWorld,
  until,
  writeConfig,
  type World,
} from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const sessionTimeoutMs = 3_000;

it('SIGKILL midway, then run again: every file delivered once, the run finished', async () => {
  world = await startWorld({
    bi: { generatedDocuments: 12, exportBytesPerSecond: 800, sessionTimeoutMs },
  });
  await authorizeDropbox(world);
  const config = await writeConfig(world, {
    publications: {
      generated: { documents: ['- folder: /Generated'], to: '/Killed/{document}.{ext}' },
    },
  });
  const args = ['--config', config, 'run', 'generated'];

  const first = startCli(world, args);
  const dropbox = world.dropbox;
  await until(() => dropbox.listFiles().length >= 4, 20_000);
  first.child.kill('SIGKILL');
  const killed = await first.done;
  expect(killed.signal).toBe('SIGKILL');
  const afterKill = dropbox.listFiles().length;
  expect(afterKill).toBeLessThan(12);
  // Killed while working, it held sessions it could not log off.
  expect(world.bi.stats().openSessions).toBeGreaterThan(0);

  const second = await startCli(world, args).done;
  expect(second.code, second.stderr).toBe(0);

  const files = dropbox.listFiles();
  expect(files).toHaveLength(12);
  for (const file of files) expect(dropbox.revisions(file.path), file.path).toBe(1);

  const history = openHistory(world.stateDir);
  try {
    const runs = history.listRuns({ publication: 'generated' });
    // The killed run was taken over, not left "running" beside a new one.
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    const rows = history.deliveries(runs[0]!.id);
    expect(rows).toHaveLength(12);
    const byPath = new Map(files.map((f) => [f.path.toLowerCase(), f.contentHash]));
    for (const row of rows) {
      // A file committed just before the kill is found unchanged, not uploaded again.
      expect(['delivered', 'unchanged']).toContain(row.status);
      expect(byPath.get(row.path!.toLowerCase())).toBe(row.contentHash);
    }
  } finally {
    history.close();
  }

  // The second run logged off; the killed one's sessions end with the idle timeout.
  await sleep(sessionTimeoutMs + 200);
  expect(world.bi.stats().openSessions).toBe(0);
}, 90_000);

it('SIGTERM midway logs every BI session off at once; --resume then finishes the run', async () => {
  world = await startWorld({ bi: { generatedDocuments: 12, exportBytesPerSecond: 800 } });
  await authorizeDropbox(world);
  const config = await writeConfig(world, {
    publications: {
      generated: { documents: ['- folder: /Generated'], to: '/Stopped/{document}.{ext}' },
    },
  });
  const args = ['--config', config, 'run', 'generated'];

  const first = startCli(world, args);
  const dropbox = world.dropbox;
  await until(() => dropbox.listFiles().length >= 3, 20_000);
  first.child.kill('SIGTERM');
  const stopped = await first.done;

  expect(stopped.code, stopped.stderr).toBe(130);
  // Logged off on the way out, not left to the idle timeout.
  expect(world.bi.stats().openSessions).toBe(0);
  expect(world.bi.stats().openDocuments).toBe(0);
  const history = openHistory(world.stateDir);
  try {
    expect(history.latestRun('generated')!.status).toBe('interrupted');
  } finally {
    history.close();
  }
  expect(dropbox.listFiles().length).toBeLessThan(12);

  const resumed = await startCli(world, [...args, '--resume']).done;
  expect(resumed.code, resumed.stderr).toBe(0);
  const files = dropbox.listFiles();
  expect(files).toHaveLength(12);
  for (const file of files) expect(dropbox.revisions(file.path), file.path).toBe(1);
  expect(world.bi.stats().openSessions).toBe(0);
}, 90_000);
