/** Temporary folders for one scenario: a bidrop.yaml, its state folder, spools; removed after. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { stringify } from 'yaml';

/** Makes a temporary folder; `dispose()` removes it. */
export async function makeWorkspace(label) {
  const dir = await mkdtemp(path.join(tmpdir(), `bidrop-bench-${label}-`));
  return {
    dir,
    stateDir: path.join(dir, 'state'),
    file: (name) => path.join(dir, name),
    /** Writes `config` (an object) as bidrop.yaml and returns its path. */
    async writeConfig(config, name = 'bidrop.yaml') {
      const file = path.join(dir, name);
      await writeFile(file, stringify(config), { mode: 0o600 });
      return file;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
