/**
 * Scenario 6: planning, history writes and peak memory of a publication bursting into many small
 * deliveries (child/scale.js), at a small and a large count, so that growth shows.
 */
import path from 'node:path';

import { expectSuccess, ROOT, runNodeMeasured } from '../lib/spawn.js';
import { median } from '../lib/stats.js';
import { makeWorkspace } from '../lib/workspace.js';

const SCRIPT = path.join(ROOT, 'bench/child/scale.js');

async function once(count) {
  const workspace = await makeWorkspace(`scale-${count}`);
  try {
    const result = expectSuccess(
      await runNodeMeasured([SCRIPT, String(count), workspace.dir]),
      `scale ${count}`,
    );
    return { ...JSON.parse(result.stdout), maxRssKiB: result.maxRssKiB };
  } finally {
    await workspace.dispose();
  }
}

/** Resolves with medians per count: { [count]: { planMs, historyMs, runMs, maxRssKiB } }. */
export async function scale({ counts, runs, log }) {
  const figures = Object.fromEntries(counts.map((c) => [c, []]));
  for (let rep = 0; rep < runs; rep++) {
    for (const count of counts) {
      const result = await once(count);
      figures[count].push(result);
      log(`scale ${count}: run ${Math.round(result.runMs)} ms, ${result.maxRssKiB} KiB`);
    }
  }
  const pick = (count, key) => median(figures[count].map((r) => r[key]));
  return Object.fromEntries(
    counts.map((c) => [
      c,
      {
        planMs: pick(c, 'planMs'),
        historyMs: pick(c, 'historyMs'),
        runMs: pick(c, 'runMs'),
        maxRssKiB: pick(c, 'maxRssKiB'),
        retainedHeapKiB: pick(c, 'retainedHeapKiB'),
      },
    ]),
  );
}
