/**
 * Shared links (api/dropbox.md §7.6, §7.7): create a public link, or reuse the one that exists —
 * from the `shared_link_already_exists` error when it carries the metadata, else by listing the
 * path's direct links.
 */
import { DropboxError } from '../core/index.js';
import type { DropboxClient } from './client.js';
import { DropboxApiError } from './errors.js';
import type { SharedLinkMetadata } from './metadata.js';

/** The URL of a shared link to `path`, created when none exists. */
export async function sharedLinkFor(
  client: DropboxClient,
  path: string,
  signal?: AbortSignal,
): Promise<string> {
  try {
    const created = await client.rpc<SharedLinkMetadata>(
      'sharing/create_shared_link_with_settings',
      { path },
      signal,
    );
    return created.url;
  } catch (error) {
    if (!(error instanceof DropboxApiError) || error.code !== 'DROPBOX_SHARED_LINK_EXISTS')
      throw error;
    const embedded = embeddedLink(error.detail);
    if (embedded) return embedded;
  }

  const listed = await client.rpc<{ links: SharedLinkMetadata[] }>(
    'sharing/list_shared_links',
    { path, direct_only: true },
    signal,
  );
  const link = listed.links.find((l) => typeof l.url === 'string');
  if (!link) {
    throw new DropboxError(
      'DROPBOX_SHARED_LINK_MISSING',
      `Dropbox says a shared link to ${path} exists but lists none`,
      {
        endpoint: '/2/sharing/list_shared_links',
        hint: 'Create the link in Dropbox by hand, or run again.',
      },
    );
  }
  return link.url;
}

/** `{".tag":"shared_link_already_exists","shared_link_already_exists":{".tag":"metadata","metadata":{…}}}` */
function embeddedLink(detail: unknown): string | undefined {
  const inner = (
    detail as { shared_link_already_exists?: { metadata?: { url?: unknown } } } | undefined
  )?.shared_link_already_exists?.metadata?.url;
  return typeof inner === 'string' ? inner : undefined;
}
