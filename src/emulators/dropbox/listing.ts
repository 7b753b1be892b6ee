/**
 * `list_folder` cursors (note §7.2). Each answer gets a new cursor that remembers the entries
 * still to page through and the change-log position, so a finished listing can later be
 * continued to get only what changed since.
 */
import { deletedMetadata, taggedMetadata } from './metadata.js';
import { randomToken } from './random.js';
import type { Tree } from './tree.js';

export interface Listing {
  folderLower: string;
  recursive: boolean;
  limit: number;
  /** Entries not yet returned. */
  pending: Array<Record<string, unknown>>;
  /** Position in the tree's change log the listing is current to. */
  seq: number;
}

/** Entries per page when the caller sets no limit [inferred: the limit is "approximate"]. */
export const DEFAULT_PAGE = 500;

export class ListingStore {
  private readonly cursors = new Map<string, Listing>();

  /** Answers one page of a listing and issues the cursor for what follows. */
  page(listing: Listing): { entries: unknown[]; cursor: string; has_more: boolean } {
    const entries = listing.pending.slice(0, listing.limit);
    const next: Listing = { ...listing, pending: listing.pending.slice(listing.limit) };
    const cursor = `AAE${randomToken(60)}`;
    this.cursors.set(cursor, next);
    return { entries, cursor, has_more: next.pending.length > 0 };
  }

  get(cursor: string): Listing | undefined {
    return this.cursors.get(cursor);
  }
}

function inFolder(lower: string, folderLower: string, recursive: boolean): boolean {
  if (!lower.startsWith(`${folderLower}/`)) return false;
  return recursive || lower.indexOf('/', folderLower.length + 1) < 0;
}

/** Everything that changed in the folder since the listing's position, then the new position. */
export function changesSince(tree: Tree, listing: Listing): Listing {
  const seen = new Set<string>();
  const pending: Array<Record<string, unknown>> = [];
  for (const lower of tree.changes.slice(listing.seq)) {
    if (seen.has(lower) || !inFolder(lower, listing.folderLower, listing.recursive)) continue;
    seen.add(lower);
    const entry = tree.entries.get(lower);
    const deleted = tree.deleted.get(lower);
    if (entry) pending.push(taggedMetadata(entry));
    else if (deleted !== undefined) pending.push(deletedMetadata(deleted));
  }
  return { ...listing, pending, seq: tree.changes.length };
}
