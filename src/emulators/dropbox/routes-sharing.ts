/** Shared links (note §7.6, §7.7), and the link pages themselves. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bool, opt, req, str, struct } from './args.js';
import { anything } from './commit.js';
import { RouteFailure, sendText } from './http-io.js';
import { linkMetadata } from './links.js';
import { lowerPath, readPath, splitPath } from './paths.js';
import { route, type RouteDef } from './route.js';
import { sendFile } from './routes-download.js';
import { lookup, under } from './routes-files.js';
import type { EmulatorState } from './state.js';

const settings = struct({
  require_password: opt(bool),
  link_password: opt(str),
  expires: opt(str),
  audience: opt(anything),
  access: opt(anything),
  requested_visibility: opt(anything),
  allow_download: opt(bool),
});

const createLink = route(struct({ path: req(readPath), settings: opt(settings) }), {
  style: 'rpc',
  auth: 'user',
  scope: 'sharing.write',
  async handle({ state, arg }) {
    const entry = await under('path', () => lookup(state, arg.path));
    const wanted = JSON.stringify(arg.settings ?? {});
    const existing = state.links.forItem(entry.id);
    if (!existing) return linkMetadata(state.url, state.links.create(entry.id, wanted), entry);

    // The existing link comes back unless the request asked for different settings (§7.6).
    if (arg.settings !== undefined && wanted !== existing.settings) {
      throw new RouteFailure(['shared_link_already_exists'], {
        '.tag': 'shared_link_already_exists',
      });
    }
    throw new RouteFailure(['shared_link_already_exists', 'metadata'], {
      '.tag': 'shared_link_already_exists',
      shared_link_already_exists: {
        '.tag': 'metadata',
        metadata: linkMetadata(state.url, existing, entry),
      },
    });
  },
});

/** Links listed per page when no path is given [inferred]. */
const LINKS_PAGE = 200;

const listLinks = route(
  struct({ path: opt(readPath), cursor: opt(str), direct_only: opt(bool, false) }),
  {
    style: 'rpc',
    auth: 'user',
    scope: 'sharing.read',
    async handle({ state, arg }) {
      const byId = new Map([...state.tree.entries.values()].map((e) => [e.id, e]));
      if (arg.path !== undefined) {
        const entry = await under('path', () => lookup(state, arg.path ?? ''));
        // Links to the item and, unless direct_only, to the folders above it.
        const wanted = new Set([lowerPath(entry.display)]);
        for (let p = splitPath(entry.display).parent; p !== '' && !arg.direct_only;) {
          wanted.add(lowerPath(p));
          p = splitPath(p).parent;
        }
        const links = state.links.all().flatMap((link) => {
          const item = byId.get(link.itemId);
          return item && wanted.has(lowerPath(item.display))
            ? [linkMetadata(state.url, link, item)]
            : [];
        });
        return { links, has_more: false };
      }

      const start = arg.cursor === undefined ? 0 : Number.parseInt(arg.cursor, 36);
      if (!Number.isSafeInteger(start) || start < 0)
        throw new RouteFailure(['reset'], { '.tag': 'reset' });
      const all = state.links.all().flatMap((link) => {
        const item = byId.get(link.itemId);
        return item ? [linkMetadata(state.url, link, item)] : [];
      });
      const links = all.slice(start, start + LINKS_PAGE);
      const more = start + LINKS_PAGE < all.length;
      return { links, has_more: more, ...(more && { cursor: (start + LINKS_PAGE).toString(36) }) };
    },
  },
);

export const sharingRoutes: Array<[string, RouteDef]> = [
  ['/2/sharing/create_shared_link_with_settings', createLink],
  ['/2/sharing/list_shared_links', listLinks],
];

/** `GET /scl/fi/<link>/<name>`: the shared file itself, so a demo link opens. */
export async function serveSharedLink(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const linkId = path.split('/')[3] ?? '';
  const link = state.links.byLinkId(linkId);
  const entry = link && [...state.tree.entries.values()].find((e) => e.id === link.itemId);
  if (!entry || entry.kind !== 'file') return sendText(res, 404, 'This link does not exist.');
  const name = entry.display.slice(entry.display.lastIndexOf('/') + 1);
  const attach = new URL(req.url ?? '/', state.url).searchParams.get('dl') === '1';
  await sendFile(state, req, res, entry, {
    'Content-Disposition': `${attach ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(name)}`,
  });
}
