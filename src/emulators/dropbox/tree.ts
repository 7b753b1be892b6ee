/**
 * The emulated Dropbox: a case-insensitive, case-preserving tree of files and folders with
 * revisions, the write-mode conflict rules of note §4, the quota, and a change log for
 * `list_folder/continue`. File bodies live in the blob store; this holds metadata only.
 */
import type { Tagged } from './args.js';
import {
  dropboxTime,
  lookupError,
  writeConflict,
  writeError,
  type Entry,
  type FileEntry,
  type FolderEntry,
} from './metadata.js';
import { isDisallowedName, lowerPath, malformedReason, splitPath, type PathRef } from './paths.js';
import { newItemId, newRev } from './random.js';

export interface CommitInfo {
  mode: Tagged;
  autorename: boolean;
  strictConflict: boolean;
  clientModified?: string | undefined;
}

export class Tree {
  readonly entries = new Map<string, Entry>();
  /** Display path of deleted items, by lowercase path (include_deleted, change lists). */
  readonly deleted = new Map<string, string>();
  readonly revs = new Map<string, FileEntry>();
  readonly revisionCounts = new Map<string, number>();
  /** Lowercase paths in the order they changed; the index is the change sequence. */
  readonly changes: string[] = [];
  bytesStored = 0;
  /** Revisions made so far; revs are built from it so they keep increasing. */
  revCounter = 0;

  constructor(public quotaBytes: number) {}

  /** The entry a validated path reference names, or a `LookupError`. */
  lookup(ref: PathRef | undefined): Entry {
    if (!ref) throw lookupError('not_found');
    if (ref.kind === 'rev') {
      const file = this.revs.get(ref.rev);
      if (!file) throw lookupError('not_found');
      return file;
    }
    const display = this.resolveDisplay(ref);
    if (display === undefined) throw lookupError('not_found');
    if (malformedReason(display)) throw lookupError('malformed_path');
    const entry = this.entries.get(lowerPath(display));
    if (!entry) throw lookupError('not_found');
    return entry;
  }

  /** The display path a `/…` or `id:…/rest` reference stands for (undefined: unknown id). */
  resolveDisplay(ref: PathRef): string | undefined {
    if (ref.kind === 'path') return ref.display;
    if (ref.kind === 'rev') return this.revs.get(ref.rev)?.display;
    for (const entry of this.entries.values()) {
      if (entry.id === ref.id) return entry.display + ref.rest;
    }
    return undefined;
  }

  /** Writes a file per the write mode; returns the stored (or unchanged) entry. */
  commitFile(
    display: string,
    info: CommitInfo,
    content: { hash: string; size: number },
  ): FileEntry {
    this.checkWritable(display);
    const existing = this.entries.get(lowerPath(display));

    // Identical content is a no-op without a new revision, unless strict_conflict (note §4 rule 3).
    if (
      existing?.kind === 'file' &&
      existing.contentHash === content.hash &&
      !info.strictConflict
    ) {
      return existing;
    }

    if (this.conflicts(existing, info)) {
      if (!info.autorename) throw writeConflict(existing?.kind === 'folder' ? 'folder' : 'file');
      return this.storeFile(this.freeName(display, info.mode.tag === 'update'), info, content);
    }
    return this.storeFile(display, info, content);
  }

  /** Creates a folder and any missing parents. */
  createFolder(display: string, autorename: boolean): FolderEntry {
    this.checkWritable(display);
    const existing = this.entries.get(lowerPath(display));
    if (existing) {
      if (!autorename) throw writeConflict(existing.kind);
      display = this.freeName(display, false, true);
    }
    this.ensureParents(display);
    const folder: FolderEntry = { kind: 'folder', id: newItemId(), display };
    this.put(folder);
    return folder;
  }

  /** Removes an entry (folders with everything below); returns what was removed. */
  remove(entry: Entry): void {
    const lower = lowerPath(entry.display);
    for (const [key, item] of [...this.entries]) {
      if (key === lower || key.startsWith(`${lower}/`)) {
        this.entries.delete(key);
        this.deleted.set(key, item.display);
        if (item.kind === 'file') this.bytesStored -= item.size;
        this.changes.push(key);
      }
    }
  }

  /** Entries directly in (or, recursively, below) a folder; "" is the root. */
  children(folderLower: string, recursive: boolean): Entry[] {
    const out: Entry[] = [];
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(`${folderLower}/`)) continue;
      if (!recursive && key.indexOf('/', folderLower.length + 1) >= 0) continue;
      out.push(entry);
    }
    return out.sort((a, b) => (lowerPath(a.display) < lowerPath(b.display) ? -1 : 1));
  }

  private checkWritable(display: string): void {
    if (display === '' || malformedReason(display)) throw writeError('malformed_path');
    if (isDisallowedName(splitPath(display).name)) throw writeError('disallowed_name');

    // A file where a parent folder must be (note §4 rule 5).
    let parent = splitPath(display).parent;
    while (parent !== '') {
      if (this.entries.get(lowerPath(parent))?.kind === 'file')
        throw writeConflict('file_ancestor');
      parent = splitPath(parent).parent;
    }
  }

  private conflicts(existing: Entry | undefined, info: CommitInfo): boolean {
    if (!existing) return info.mode.tag === 'update' && info.strictConflict;
    if (existing.kind === 'folder') return true;
    if (info.mode.tag === 'add') return true;
    if (info.mode.tag === 'update') return existing.rev !== info.mode.value;
    return false;
  }

  /**
   * A free name next to `display`: "name (2).ext", "(3)"… as the spec's example shows, or
   * "name (conflicted copy).ext" for a stale update [inferred, open question 9].
   */
  private freeName(display: string, conflictedCopy: boolean, isFolder = false): string {
    const { parent, name } = splitPath(display);
    const dot = isFolder ? -1 : name.lastIndexOf('.');
    const base = dot > 0 ? name.slice(0, dot) : name;
    const ext = dot > 0 ? name.slice(dot) : '';
    for (let n = conflictedCopy ? 1 : 2; ; n++) {
      const suffix = conflictedCopy
        ? n === 1
          ? ' (conflicted copy)'
          : ` (conflicted copy ${n})`
        : ` (${n})`;
      const candidate = `${parent}/${base}${suffix}${ext}`;
      if (!this.entries.has(lowerPath(candidate))) return candidate;
    }
  }

  private storeFile(
    display: string,
    info: CommitInfo,
    content: { hash: string; size: number },
  ): FileEntry {
    const lower = lowerPath(display);
    const existing = this.entries.get(lower);
    const replaced = existing?.kind === 'file' ? existing.size : 0;
    if (this.bytesStored - replaced + content.size > this.quotaBytes) {
      throw writeError('insufficient_space');
    }

    this.ensureParents(display);
    const now = dropboxTime();
    const file: FileEntry = {
      kind: 'file',
      id: existing?.kind === 'file' ? existing.id : newItemId(),
      // Dropbox keeps the stored case of an existing item (case-preserving).
      display: existing ? existing.display : display,
      rev: newRev(++this.revCounter),
      size: content.size,
      contentHash: content.hash,
      clientModified: info.clientModified ?? now,
      serverModified: now,
    };
    this.bytesStored += content.size - replaced;
    this.revs.set(file.rev, file);
    this.revisionCounts.set(lower, (this.revisionCounts.get(lower) ?? 0) + 1);
    this.put(file);
    return file;
  }

  private ensureParents(display: string): void {
    const { parent } = splitPath(display);
    if (parent === '' || this.entries.has(lowerPath(parent))) return;
    this.ensureParents(parent);
    this.put({ kind: 'folder', id: newItemId(), display: parent });
  }

  private put(entry: Entry): void {
    const lower = lowerPath(entry.display);
    this.entries.set(lower, entry);
    this.deleted.delete(lower);
    this.changes.push(lower);
  }
}
