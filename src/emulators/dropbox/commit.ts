/** Committing received content to a path: shared by upload, session finish and batches. */
import { bool, opt, pattern, req, struct, timestamp, union, str, type Check } from './args.js';
import { writeError, type FileEntry } from './metadata.js';
import { parseRef, writePathOrId } from './paths.js';
import { ACCOUNT, type EmulatorState } from './state.js';
import type { CommitInfo } from './tree.js';

/** `WriteMode`: add, overwrite, or update with the expected rev (note §4). */
export const writeMode = union({ add: null, overwrite: null, update: str });

/** A `content_hash` argument: 64 hex digits (note §6). */
export const contentHashArg: Check<string> = pattern(/^[0-9a-f]{64}$/i, '[0-9a-f]{64}');

/** Anything (fields the emulator accepts and ignores, such as property_groups). */
export const anything: Check<unknown> = (value) => value;

/** The fields of `CommitInfo` (note §4), for reuse in `UploadArg`. */
export const commitShape = {
  path: req(writePathOrId),
  mode: opt(writeMode, { tag: 'add' }),
  autorename: opt(bool, false),
  client_modified: opt(timestamp),
  mute: opt(bool, false),
  property_groups: opt(anything),
  strict_conflict: opt(bool, false),
};

export const commitInfo = struct(commitShape);
export type CommitArg = ReturnType<typeof commitInfo>;

/** The display path a write argument names. */
export function writeTarget(state: EmulatorState, path: string): string {
  const ref = parseRef(path, ACCOUNT.namespaceId);
  const display = ref ? state.tree.resolveDisplay(ref) : undefined;
  if (display === undefined) throw writeError('malformed_path');
  return display;
}

/**
 * Commits the first `size` bytes of `file` (content hash `hash`) per the commit arguments; the
 * file itself stays where it is. Throws WriteFailure.
 */
export async function commitContent(
  state: EmulatorState,
  file: string,
  content: { hash: string; size: number },
  commit: CommitArg,
): Promise<FileEntry> {
  const display = writeTarget(state, commit.path);
  const info: CommitInfo = {
    mode: commit.mode ?? { tag: 'add' },
    autorename: commit.autorename ?? false,
    strictConflict: commit.strict_conflict ?? false,
    clientModified: commit.client_modified,
  };
  const takeBack = await state.blobs.adopt(file, content.hash);
  try {
    return state.tree.commitFile(display, info, content);
  } catch (error) {
    if (![...state.tree.revs.values()].some((rev) => rev.contentHash === content.hash)) {
      await takeBack();
    }
    throw error;
  }
}
