/**
 * The state file (`state.json` in the data folder): files, folders, revisions, shared links and
 * tokens, so an emulator started again on the same folder (`bidrop emulate --data`) still has
 * the files and the authorization. Upload sessions, codes and list cursors are not kept: a client
 * sees them as expired after a restart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SharedLink } from './links.js';
import type { Entry, FileEntry } from './metadata.js';
import type { EmulatorState } from './state.js';
import type { TokenSnapshot } from './tokens.js';

const FILE = 'state.json';
const VERSION = 1;

interface Snapshot {
  version: number;
  entries: Entry[];
  deleted: Array<[string, string]>;
  revs: FileEntry[];
  revisionCounts: Array<[string, number]>;
  revCounter: number;
  links: SharedLink[];
  tokens: TokenSnapshot;
}

/** Loads the state file of a data folder into fresh stores, if there is one. */
export function loadState(state: EmulatorState, dataDir: string): void {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return;
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  if (snapshot.version !== VERSION) return;

  const tree = state.tree;
  for (const entry of snapshot.entries) {
    tree.entries.set(entry.display.toLowerCase(), entry);
    if (entry.kind === 'file') tree.bytesStored += entry.size;
  }
  for (const [key, display] of snapshot.deleted) tree.deleted.set(key, display);
  for (const file of snapshot.revs) tree.revs.set(file.rev, file);
  for (const [key, count] of snapshot.revisionCounts) tree.revisionCounts.set(key, count);
  tree.revCounter = snapshot.revCounter;
  for (const link of snapshot.links) state.links.restore(link);
  state.tokens.restore(snapshot.tokens);
}

/** Writes the state file whole, through a temporary file so a crash leaves the old one. */
export async function saveState(state: EmulatorState, dataDir: string): Promise<void> {
  const tree = state.tree;
  const snapshot: Snapshot = {
    version: VERSION,
    entries: [...tree.entries.values()],
    deleted: [...tree.deleted],
    revs: [...tree.revs.values()],
    revisionCounts: [...tree.revisionCounts],
    revCounter: tree.revCounter,
    links: state.links.all(),
    tokens: state.tokens.snapshot(),
  };
  const temp = join(dataDir, `${FILE}.tmp`);
  await writeFile(temp, JSON.stringify(snapshot), { mode: 0o600 });
  await rename(temp, join(dataDir, FILE));
}
