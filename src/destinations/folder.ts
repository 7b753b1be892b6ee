/**
 * The folder destination: delivers into a local or mounted directory. Bytes go to a temporary
 * file beside the target and are renamed into place only when complete, so an interrupted
 * delivery never leaves a partial file under the real name. The Dropbox content hash is computed
 * while writing, so history rows look the same whichever destination was used.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';

import type { FolderDestinationConfig } from '../config/index.js';
import {
  AbortedError,
  BidropError,
  shouldRetry,
  type DeliveredFile,
  type DeliverOptions,
  type Destination,
} from '../core/index.js';
import { DropboxContentHasher, dropboxContentHash } from '../dropbox/index.js';

/** How many "name (n).ext" candidates `conflict: add` tries before giving up. */
const maxConflictCopies = 1000;

/** A Destination writing under `config.path`; paths can never leave that folder. */
export function createFolderDestination(
  name: string,
  config: FolderDestinationConfig,
): Destination {
  const root = path.resolve(config.path);

  return {
    name,
    deliver: (target, body, options) => deliverToFolder(root, target, body, options),
    close: async () => {},
  };
}

/** Maps `/a/b.pdf` under `root`; throws FOLDER_PATH_OUTSIDE for anything that would climb out. */
export function resolveInside(root: string, target: string): string {
  const components = target.split('/').filter((c) => c !== '');
  const bad = components.find(
    (c) => c === '.' || c === '..' || c.includes('\\') || c.includes('\0'),
  );
  if (!target.startsWith('/') || components.length === 0 || bad !== undefined) {
    throw new BidropError(
      'FOLDER_PATH_OUTSIDE',
      `The path ${JSON.stringify(target)} is not a file path inside the folder`,
      {
        hint: 'Use an absolute path such as /Reports/sales.pdf, without "." or ".." components.',
      },
    );
  }

  const full = path.resolve(root, ...components);
  if (!full.startsWith(root + path.sep)) {
    throw new BidropError(
      'FOLDER_PATH_OUTSIDE',
      `The path ${JSON.stringify(target)} leaves the folder`,
      {
        hint: 'Use a path without ".." components.',
      },
    );
  }
  return full;
}

async function deliverToFolder(
  root: string,
  target: string,
  body: Readable,
  options: DeliverOptions,
): Promise<DeliveredFile> {
  const full = resolveInside(root, target);
  const dir = path.dirname(full);
  await mkdir(dir, { recursive: true });
  await removeLeftovers(dir, path.basename(full));

  const temp = path.join(
    dir,
    `.${path.basename(full)}.${randomBytes(6).toString('hex')}.bidrop-part`,
  );
  const hasher = new DropboxContentHasher();
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hasher.update(chunk);
      bytes += chunk.length;
      options.onProgress?.(bytes);
      done(null, chunk);
    },
  });

  try {
    await pipeline(body, counter, createWriteStream(temp, { flags: 'wx', mode: 0o644 }), {
      ...(options.signal && { signal: options.signal }),
    });
    const contentHash = hasher.digest();

    if (options.skipUnchanged && (await hashOf(full)) === contentHash) {
      await rm(temp, { force: true });
      return { status: 'unchanged', path: relative(root, full), bytes, contentHash };
    }

    const final = await place(temp, full, options);
    const delivered: DeliveredFile = {
      status: 'delivered',
      path: relative(root, final),
      bytes,
      contentHash,
    };
    if (options.sharedLink) delivered.link = pathToFileURL(final).href;
    return delivered;
  } catch (error) {
    await rm(temp, { force: true });
    if (options.signal?.aborted)
      throw new AbortedError('The delivery was stopped; no file was written.', error);
    // A fault of the source (a dropped BI connection) passes through as it is, so the runner
    // can tell it may start the delivery over.
    if (error instanceof BidropError || shouldRetry(error)) throw error;
    throw new BidropError(
      'FOLDER_WRITE_FAILED',
      `Could not write ${target}: ${(error as Error).message}`,
      {
        hint: 'Check that the folder exists, is writable and has space.',
        cause: error,
      },
    );
  }
}

/** Moves the finished temp file to its name under the conflict policy; returns where it went. */
async function place(temp: string, full: string, options: DeliverOptions): Promise<string> {
  if (options.conflict === 'overwrite') {
    await rename(temp, full);
    return full;
  }

  // link() refuses an existing name atomically, so two writers cannot both take one name.
  const ext = path.extname(full);
  const stem = full.slice(0, full.length - ext.length);
  const limit = options.conflict === 'add' ? maxConflictCopies : 0;
  for (let n = 0; n <= limit; n++) {
    const candidate = n === 0 ? full : `${stem} (${n})${ext}`;
    try {
      await link(temp, candidate);
      await rm(temp, { force: true });
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  throw new BidropError('FOLDER_CONFLICT', `A file already exists at ${full}`, {
    hint: 'Set conflict: overwrite or add on the publication, or move the existing file.',
  });
}

/**
 * A process killed mid-delivery (SIGKILL, power loss) cannot remove its temp file; the next
 * delivery to the same name does. Planning forbids two deliveries to one path, so no live writer
 * owns these.
 */
async function removeLeftovers(dir: string, base: string): Promise<void> {
  const prefix = `.${base}.`;
  for (const entry of await readdir(dir)) {
    if (
      entry.startsWith(prefix) &&
      /^\.[0-9a-f]{12}\.bidrop-part$/.test(entry.slice(prefix.length - 1))
    ) {
      await rm(path.join(dir, entry), { force: true });
    }
  }
}

async function hashOf(file: string): Promise<string | undefined> {
  try {
    if (!(await stat(file)).isFile()) return undefined;
    return await dropboxContentHash(createReadStream(file));
  } catch {
    return undefined;
  }
}

function relative(root: string, full: string): string {
  return `/${path.relative(root, full).split(path.sep).join('/')}`;
}
