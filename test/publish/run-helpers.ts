/** Shared set-up for runner tests: a temp state folder, a folder destination, a fake source. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createFolderDestination } from '../../src/destinations/index.js';
import { runPublication, type RunEvent, type RunOptions } from '../../src/publish/index.js';
import { openHistory, type History } from '../../src/store/index.js';
import { FakeSource, publication, type FakeSourceOptions } from './fakes.js';

export interface Harness {
  dir: string;
  out: string;
  history: History;
  run(
    body: string,
    source: FakeSource,
    extra?: Partial<RunOptions>,
  ): Promise<Awaited<ReturnType<typeof runPublication>> & { events: RunEvent[] }>;
}

export async function harness(): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-run-'));
  const out = path.join(dir, 'out');
  const history = openHistory(path.join(dir, 'state'));
  return {
    dir,
    out,
    history,
    async run(body, source, extra = {}) {
      const events: RunEvent[] = [];
      const result = await runPublication({
        name: 'daily',
        publication: publication(body),
        source,
        destination: createFolderDestination('out', { type: 'folder', path: out, concurrency: 4 }),
        history,
        concurrency: 4,
        onEvent: (e) => events.push(e),
        ...extra,
      });
      return { ...result, events };
    },
  };
}

export function source(options: FakeSourceOptions = {}): FakeSource {
  return new FakeSource(options);
}
