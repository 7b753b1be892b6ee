/** Scenario 5: `bidrop --help` against `node -e 0`, alternating, wall time of each process. */
import path from 'node:path';

import { expectSuccess, ROOT, run } from '../lib/spawn.js';
import { median } from '../lib/stats.js';

const BIN = path.join(ROOT, 'bin/bidrop.js');

/** Resolves with the median wall times of `runs` alternating spawns of each. */
export async function startup({ runs }) {
  const help = [];
  const bare = [];
  // One unmeasured round first: the page cache, not start-up, would decide the first figures.
  await run(process.execPath, [BIN, '--help']);
  await run(process.execPath, ['-e', '0']);
  for (let i = 0; i < runs; i++) {
    help.push(expectSuccess(await run(process.execPath, [BIN, '--help']), 'bidrop --help').ms);
    bare.push(expectSuccess(await run(process.execPath, ['-e', '0']), 'node -e 0').ms);
  }
  return { helpMs: median(help), nodeMs: median(bare), raw: { help, bare } };
}
