/** Entries of the emulated file tree and their wire forms (note §4, §7.1, §3.7). */

export interface FileEntry {
  kind: 'file';
  id: string;
  display: string;
  rev: string;
  size: number;
  contentHash: string;
  clientModified: string;
  serverModified: string;
}

export interface FolderEntry {
  kind: 'folder';
  id: string;
  display: string;
}

export type Entry = FileEntry | FolderEntry;

/** A failed write: the `WriteError` union and its summary tags (note §4). */
export class WriteFailure extends Error {
  constructor(
    readonly tags: string[],
    readonly error: Record<string, unknown>,
  ) {
    super(tags.join('/'));
  }
}

/** A failed lookup: the `LookupError` union and its summary tags (note §7.1). */
export class LookupFailure extends Error {
  constructor(
    readonly tags: string[],
    readonly error: Record<string, unknown>,
  ) {
    super(tags.join('/'));
  }
}

export function writeConflict(kind: 'file' | 'folder' | 'file_ancestor'): WriteFailure {
  return new WriteFailure(['conflict', kind], { '.tag': 'conflict', conflict: { '.tag': kind } });
}

export function writeError(tag: string): WriteFailure {
  return new WriteFailure([tag], { '.tag': tag });
}

export function lookupError(tag: string): LookupFailure {
  return new LookupFailure([tag], { '.tag': tag });
}

/** Dropbox's timestamp form: UTC, whole seconds (note §3.8). */
export function dropboxTime(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nameOf(display: string): string {
  return display.slice(display.lastIndexOf('/') + 1);
}

/** `FileMetadata` as a leaf (no `.tag`), as `files/upload` returns it. */
export function fileMetadata(file: FileEntry): Record<string, unknown> {
  return {
    name: nameOf(file.display),
    id: file.id,
    client_modified: file.clientModified,
    server_modified: file.serverModified,
    rev: file.rev,
    size: file.size,
    path_lower: file.display.toLowerCase(),
    path_display: file.display,
    is_downloadable: true,
    content_hash: file.contentHash,
  };
}

/** `FolderMetadata` as a leaf (no `.tag`), as `create_folder_v2` returns it. */
export function folderMetadata(folder: FolderEntry): Record<string, unknown> {
  return {
    name: nameOf(folder.display),
    id: folder.id,
    path_lower: folder.display.toLowerCase(),
    path_display: folder.display,
  };
}

/** `Metadata` returned as the parent type: with `.tag` first (Stone rule, note §3.7). */
export function taggedMetadata(entry: Entry): Record<string, unknown> {
  return entry.kind === 'file'
    ? { '.tag': 'file', ...fileMetadata(entry) }
    : { '.tag': 'folder', ...folderMetadata(entry) };
}

/** `DeletedMetadata` with `.tag` (get_metadata include_deleted, list_folder changes). */
export function deletedMetadata(display: string): Record<string, unknown> {
  return {
    '.tag': 'deleted',
    name: nameOf(display),
    path_lower: display.toLowerCase(),
    path_display: display,
  };
}
