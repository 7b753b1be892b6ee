/**
 * The connection to the BI platform drops in the middle of an export's body: headers and half
 * the file arrived, then nothing. Nothing was committed at Dropbox yet, so bidrop must export
 * again and deliver the file once, not record a failure (DESIGN.md: "Faults are normal").
 */
import { afterEach, expect, it } from 'vitest';

import {
  authorizeDropbox,
  runInProcess,
  startBiProxy,
  startWorld,
  writeConfig,
  type BiProxy,
  type World,
} from './helpers.js';

let world: World | undefined;
let proxy: BiProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await world?.close();
  world = proxy = undefined;
});

it('an export cut midway is exported again and delivered once', async () => {
  world = await startWorld({ bi: { generatedDocuments: 3 } });
  proxy = await startBiProxy(world.bi.url);
  world.env.FAULTS_BI_URL = proxy.url;
  await authorizeDropbox(world);
  const file = await writeConfig(world, {
    publications: {
      generated: { documents: ['- folder: /Generated'], to: '/Cut/{document}.{ext}' },
    },
  });
  proxy.cutExports(1);

  const run = await runInProcess(world, file, 'generated');

  expect(proxy.cuts).toBe(1);
  const outcomes = run.result.results.map(
    (r) =>
      `${r.delivery.target}: ${r.status}${r.error ? ` ${r.error.code} ${r.error.message}` : ''}`,
  );
  expect(outcomes).toEqual([
    '/Cut/Generated Report 00001.csv: delivered',
    '/Cut/Generated Report 00002.csv: delivered',
    '/Cut/Generated Report 00003.csv: delivered',
  ]);
  for (const row of run.rows) {
    expect(world.dropbox.revisions(row.path!)).toBe(1);
    const stored = world.dropbox.listFiles().find((f) => f.path === row.path);
    expect(stored?.contentHash).toBe(row.contentHash);
  }
  expect(world.bi.stats().openSessions).toBe(0);
  expect(world.bi.stats().openDocuments).toBe(0);
});
