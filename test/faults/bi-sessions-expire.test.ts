/**
 * The BI platform forgets every logon token midway (a restart, an idle timeout): bidrop logs on
 * again transparently, delivers everything, and leaves no session behind.
 */
import { afterEach, expect, it } from 'vitest';

import { authorizeDropbox, runInProcess, startWorld, writeConfig, type World } from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

it('every session expired three times during a run: all delivered, none left open', async () => {
  world = await startWorld({ bi: { generatedDocuments: 20, exportBytesPerSecond: 4000 } });
  await authorizeDropbox(world);
  const file = await writeConfig(world, {
    publications: {
      generated: { documents: ['- folder: /Generated'], to: '/Expired/{document}.{ext}' },
    },
  });

  let ended = 0;
  const run = await runInProcess(world, file, 'generated', {
    onEvent: (event) => {
      if (event.type === 'delivery-end' && ++ended % 5 === 0 && ended < 20) {
        world!.bi.expireAllSessions();
      }
    },
  });

  const failures = run.result.results.filter((r) => r.status !== 'delivered');
  expect(failures.map((r) => `${r.delivery.target}: ${r.error?.code}`)).toEqual([]);
  expect(world.dropbox.listFiles()).toHaveLength(20);
  // Four sessions serve the whole run unless they die: more logons mean it logged on again.
  expect(world.bi.stats().logons).toBeGreaterThan(4);
  expect(world.bi.stats().openSessions).toBe(0);
  expect(world.bi.stats().openDocuments).toBe(0);
}, 60_000);
