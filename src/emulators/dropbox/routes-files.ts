/** files/upload, get_metadata, list_folder(+continue), create_folder_v2, delete_v2 (note §4, §7). */
import { unlink } from 'node:fs/promises';
import { ArgError, bool, opt, req, str, struct, uint, type Check } from './args.js';
import { anything, commitContent, commitShape, contentHashArg } from './commit.js';
import { BadRequest, RouteFailure } from './http-io.js';
import { DEFAULT_PAGE, changesSince } from './listing.js';
import {
  LookupFailure,
  WriteFailure,
  deletedMetadata,
  fileMetadata,
  folderMetadata,
  taggedMetadata,
  type Entry,
} from './metadata.js';
import { lowerPath, parseRef, pathROrId, readPath, writePath, writePathOrId } from './paths.js';
import { route, type RouteDef } from './route.js';
import { ACCOUNT, type EmulatorState } from './state.js';

/** A LookupError or WriteError nested under a member, e.g. `path/not_found` (note §3.7). */
export function nested(member: string, failure: LookupFailure | WriteFailure): RouteFailure {
  return new RouteFailure([member, ...failure.tags], { '.tag': member, [member]: failure.error });
}

/** Runs `work`, turning lookup and write failures into the route's nested error. */
export async function under<T>(member: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LookupFailure || error instanceof WriteFailure)
      throw nested(member, error);
    throw error;
  }
}

/** Looks up a read-path argument. */
export function lookup(state: EmulatorState, path: string): Entry {
  return state.tree.lookup(parseRef(path, ACCOUNT.namespaceId));
}

const limit1to2000: Check<number> = (value, at) => {
  const n = uint(value, at);
  if (n < 1 || n > 2000) throw new ArgError(`${at}: ${n} not within range [1, 2000]`);
  return n;
};

const upload = route(struct({ ...commitShape, content_hash: opt(contentHashArg) }), {
  style: 'upload',
  auth: 'user',
  scope: 'files.content.write',
  writes: true,
  async handle({ state, req, arg }) {
    const temp = state.blobs.tempPath('upload');
    const got = await state.blobs
      .receive(req, temp, {
        position: 0,
        create: true,
        limit: state.maxRequestBytes,
        bytesPerSecond: state.bytesPerSecond,
      })
      .catch(async (error: unknown) => {
        await unlink(temp).catch(() => undefined);
        throw error;
      });
    const refuse = async (tag: string) => {
      await unlink(temp).catch(() => undefined);
      return new RouteFailure([tag], { '.tag': tag });
    };
    if (got.tooLarge) throw await refuse('payload_too_large');
    if (arg.content_hash !== undefined && arg.content_hash.toLowerCase() !== got.hash) {
      throw await refuse('content_hash_mismatch');
    }

    try {
      const file = await commitContent(state, temp, got, arg);
      await unlink(temp).catch(() => undefined);
      return fileMetadata(file);
    } catch (error) {
      if (!(error instanceof WriteFailure)) throw error;
      // The body is kept as an open session the client can commit elsewhere (note §4).
      const session = state.sessions.adopt(temp, got.size);
      throw new RouteFailure(['path', ...error.tags], {
        '.tag': 'path',
        reason: error.error,
        upload_session_id: session.id,
      });
    }
  },
});

const getMetadata = route(
  struct({
    path: req(readPath),
    include_media_info: opt(bool, false),
    include_deleted: opt(bool, false),
    include_has_explicit_shared_members: opt(bool, false),
    include_property_groups: opt(anything),
  }),
  {
    style: 'rpc',
    auth: 'user',
    scope: 'files.metadata.read',
    handle: ({ state, arg }) =>
      under('path', () => {
        try {
          return taggedMetadata(lookup(state, arg.path));
        } catch (error) {
          const gone = arg.include_deleted
            ? state.tree.deleted.get(lowerPath(arg.path))
            : undefined;
          if (error instanceof LookupFailure && gone !== undefined) return deletedMetadata(gone);
          throw error;
        }
      }),
  },
);

const listFolderArg = struct({
  path: req(pathROrId),
  recursive: opt(bool, false),
  include_media_info: opt(bool, false),
  include_deleted: opt(bool, false),
  include_has_explicit_shared_members: opt(bool, false),
  include_mounted_folders: opt(bool, true),
  limit: opt(limit1to2000),
  shared_link: opt(anything),
  include_property_groups: opt(anything),
  include_non_downloadable_files: opt(bool, true),
});

const listFolder = route(listFolderArg, {
  style: 'rpc',
  auth: 'user',
  scope: 'files.metadata.read',
  async handle({ state, arg }) {
    if (arg.path === '/') {
      throw new BadRequest(
        'request body: path: Specify the root folder as an empty string rather than as "/".',
      );
    }
    const folder = arg.path === '' ? undefined : await under('path', () => lookup(state, arg.path));
    if (folder?.kind === 'file') {
      throw new RouteFailure(['path', 'not_folder'], {
        '.tag': 'path',
        path: { '.tag': 'not_folder' },
      });
    }

    const folderLower = folder ? lowerPath(folder.display) : '';
    const recursive = arg.recursive ?? false;
    const entries = state.tree.children(folderLower, recursive);
    // A recursive listing starts with the folder itself.
    if (folder && recursive) entries.unshift(folder);
    return state.listings.page({
      folderLower,
      recursive,
      limit: arg.limit ?? DEFAULT_PAGE,
      pending: entries.map(taggedMetadata),
      seq: state.tree.changes.length,
    });
  },
});

// A cursor at "now": continuing it yields only later changes (note §7.2).
const latestCursor = route(listFolderArg, {
  style: 'rpc',
  auth: 'user',
  scope: 'files.metadata.read',
  async handle({ state, arg }) {
    const folder = arg.path === '' ? undefined : await under('path', () => lookup(state, arg.path));
    if (folder?.kind === 'file') {
      throw new RouteFailure(['path', 'not_folder'], {
        '.tag': 'path',
        path: { '.tag': 'not_folder' },
      });
    }
    const listing = state.listings.page({
      folderLower: folder ? lowerPath(folder.display) : '',
      recursive: arg.recursive ?? false,
      limit: arg.limit ?? DEFAULT_PAGE,
      pending: [],
      seq: state.tree.changes.length,
    });
    return { cursor: listing.cursor };
  },
});

const listFolderContinue = route(struct({ cursor: req(str) }), {
  style: 'rpc',
  auth: 'user',
  scope: 'files.metadata.read',
  async handle({ state, arg }) {
    const listing = state.listings.get(arg.cursor);
    if (!listing) throw new RouteFailure(['reset'], { '.tag': 'reset' });
    return state.listings.page(
      listing.pending.length > 0 ? listing : changesSince(state.tree, listing),
    );
  },
});

const createFolder = route(struct({ path: req(writePath), autorename: opt(bool, false) }), {
  style: 'rpc',
  auth: 'user',
  scope: 'files.content.write',
  writes: true,
  handle: ({ state, arg }) =>
    under('path', () => {
      const ref = parseRef(arg.path, ACCOUNT.namespaceId);
      const display = ref ? state.tree.resolveDisplay(ref) : undefined;
      const folder = state.tree.createFolder(display ?? '', arg.autorename ?? false);
      return { metadata: folderMetadata(folder) };
    }),
});

const deleteV2 = route(struct({ path: req(writePathOrId), parent_rev: opt(str) }), {
  style: 'rpc',
  auth: 'user',
  scope: 'files.content.write',
  writes: true,
  async handle({ state, arg }) {
    const entry = await under('path_lookup', () => lookup(state, arg.path));
    if (arg.parent_rev !== undefined && entry.kind === 'file' && entry.rev !== arg.parent_rev) {
      throw new RouteFailure(['path_write', 'conflict', 'file'], {
        '.tag': 'path_write',
        path_write: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
      });
    }
    const before = taggedMetadata(entry);
    state.tree.remove(entry);
    state.links.prune((id) => [...state.tree.entries.values()].some((e) => e.id === id));
    return { metadata: before };
  },
});

/** The file routes by URL path. */
export const fileRoutes: Array<[string, RouteDef]> = [
  ['/2/files/upload', upload],
  ['/2/files/get_metadata', getMetadata],
  ['/2/files/list_folder', listFolder],
  ['/2/files/list_folder/continue', listFolderContinue],
  ['/2/files/list_folder/get_latest_cursor', latestCursor],
  ['/2/files/create_folder_v2', createFolder],
  ['/2/files/delete_v2', deleteV2],
];
