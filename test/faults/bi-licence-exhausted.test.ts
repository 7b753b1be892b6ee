/**
 * Another client holds every concurrent-session licence of the BI platform. bidrop waits for a
 * free one up to bi.sessionWaitSeconds: freed during the wait, the run succeeds; never freed, it
 * fails with BI_LICENCE_EXHAUSTED and says what to do.
 */
import { afterEach, expect, it } from 'vitest';

import { openHistory } from '../../src/store/index.js';
import {
  authorizeDropbox,
  logoffDirectly,
  logonDirectly,
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

const publications = {
  generated: { documents: ['- folder: /Generated'], to: '/Licence/{document}.{ext}' },
};

/** Two licences, both taken by "another client" that logged on with fetch. */
async function fullPlatform(): Promise<{ world: World; tokens: string[] }> {
  world = await startWorld({ bi: { generatedDocuments: 3, maxSessions: 2 } });
  await authorizeDropbox(world);
  const tokens = [await logonDirectly(world), await logonDirectly(world)];
  expect(world.bi.stats().openSessions).toBe(2);
  return { world, tokens };
}

it('a licence freed during the wait: the run goes on and succeeds', async () => {
  const { world, tokens } = await fullPlatform();
  const config = await writeConfig(world, { sessionWaitSeconds: 20, publications });

  const cli = startCli(world, ['--config', config, 'run', 'generated']);
  const logonsBefore = world.bi.stats().logons;
  // bidrop has been refused at least twice: it is waiting, not failing.
  await until(() => (world.bi.stats().requests['POST /logon/long'] ?? 0) >= logonsBefore + 2);
  const refused = world.bi.stats().logons === logonsBefore;
  await logoffDirectly(world, tokens[0]!);
  const result = await cli.done;

  expect(refused).toBe(true);
  expect(result.code, result.stderr).toBe(0);
  expect(world.dropbox.listFiles()).toHaveLength(3);
  // bidrop logged its own session off; the other client's second one is untouched.
  expect(world.bi.stats().openSessions).toBe(1);
  await logoffDirectly(world, tokens[1]!);
  expect(world.bi.stats().openSessions).toBe(0);
}, 60_000);

it('never freed: fails with BI_LICENCE_EXHAUSTED after the wait, exit 1, nothing delivered', async () => {
  const { world, tokens } = await fullPlatform();
  const config = await writeConfig(world, { sessionWaitSeconds: 2, publications });

  const started = Date.now();
  const result = await startCli(world, ['--config', config, 'run', 'generated']).done;
  const waited = Date.now() - started;

  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).toMatch(/BI_LICENCE_EXHAUSTED/);
  expect(result.stderr).toMatch(/No BI session licence became free in 2 s/);
  expect(result.stderr).toMatch(/ask the BI administrator for more licences/);
  expect(waited).toBeGreaterThanOrEqual(2_000);
  expect(waited).toBeLessThan(15_000);
  expect(world.dropbox.listFiles()).toEqual([]);

  const history = openHistory(world.stateDir);
  try {
    const run = history.latestRun('generated')!;
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/BI_LICENCE_EXHAUSTED|No BI session licence/);
  } finally {
    history.close();
  }
  expect(world.bi.stats().openSessions).toBe(2);
  await Promise.all(tokens.map((t) => logoffDirectly(world, t)));
}, 60_000);
