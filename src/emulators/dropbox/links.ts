/** Shared links (note §7.6, §7.7): at most one per item, found again by the item's id. */
import { fileMetadata, type Entry } from './metadata.js';
import { randomAlphanumeric } from './random.js';

export interface SharedLink {
  itemId: string;
  linkId: string;
  key: string;
  /** The settings the link was made with, as JSON, to tell a conflicting request. */
  settings: string;
}

export class LinkStore {
  private readonly byItem = new Map<string, SharedLink>();

  forItem(itemId: string): SharedLink | undefined {
    return this.byItem.get(itemId);
  }

  create(itemId: string, settings: string): SharedLink {
    const link: SharedLink = {
      itemId,
      linkId: randomAlphanumeric(25).toLowerCase(),
      key: randomAlphanumeric(25).toLowerCase(),
      settings,
    };
    this.byItem.set(itemId, link);
    return link;
  }

  byLinkId(linkId: string): SharedLink | undefined {
    for (const link of this.byItem.values()) if (link.linkId === linkId) return link;
    return undefined;
  }

  /** Puts back a link from the state file. */
  restore(link: SharedLink): void {
    this.byItem.set(link.itemId, link);
  }

  all(): SharedLink[] {
    return [...this.byItem.values()];
  }

  /** Links of items that no longer exist go with them. */
  prune(exists: (itemId: string) => boolean): void {
    for (const id of [...this.byItem.keys()]) if (!exists(id)) this.byItem.delete(id);
  }
}

/**
 * `SharedLinkMetadata` with `.tag`. The URL has the "new link architecture" shape but points at
 * the emulator, so a demo user can open it [inferred].
 */
export function linkMetadata(
  baseUrl: string,
  link: SharedLink,
  entry: Entry,
): Record<string, unknown> {
  const name = entry.display.slice(entry.display.lastIndexOf('/') + 1);
  const kind = entry.kind === 'file' ? 'fi' : 'fo';
  const url = `${baseUrl}/scl/${kind}/${link.linkId}/${encodeURIComponent(name)}?rlkey=${link.key}&dl=0`;
  const common = {
    url,
    id: entry.id,
    name,
    path_lower: entry.display.toLowerCase(),
    link_permissions: {
      resolved_visibility: { '.tag': 'public' },
      can_revoke: true,
      visibility_policies: [],
      can_set_expiry: false,
      can_remove_expiry: false,
      allow_download: true,
      can_allow_download: true,
      can_disallow_download: false,
      allow_comments: true,
      team_restricts_comments: false,
    },
  };
  if (entry.kind === 'folder') {
    return { '.tag': 'folder', ...common };
  }
  const file = fileMetadata(entry);
  return {
    '.tag': 'file',
    ...common,
    client_modified: file['client_modified'],
    server_modified: file['server_modified'],
    rev: file['rev'],
    size: file['size'],
  };
}
