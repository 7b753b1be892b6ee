/** The parts of Dropbox's result types bidrop reads (api/dropbox.md §4, §7). */

/** `FileMetadata`; with `.tag: 'file'` when returned as `Metadata` (get_metadata). */
export interface FileMetadata {
  '.tag'?: 'file';
  name: string;
  id: string;
  rev: string;
  size: number;
  path_lower?: string;
  path_display?: string;
  content_hash?: string;
  client_modified?: string;
  server_modified?: string;
}

export type Metadata =
  FileMetadata | { '.tag': 'folder' | 'deleted'; name: string; path_display?: string };

export interface SharedLinkMetadata {
  '.tag'?: string;
  url: string;
  path_lower?: string;
}

export interface FullAccount {
  account_id: string;
  email: string;
  name: { display_name: string };
}

/** The path to report for a file: Dropbox's display path, else the one asked for. */
export function displayPath(metadata: FileMetadata, asked: string): string {
  return metadata.path_display ?? metadata.path_lower ?? asked;
}
