/**
 * Uploading a stream to one Dropbox path (api/dropbox.md §4, §5). One path for any size: a stream
 * that fits in one chunk goes in a single `files/upload`; a longer one through a sequential upload
 * session: `start` with the first chunk, `append_v2` per chunk, `finish` carrying the last.
 *
 * - Memory: two chunk buffers (chunks.ts): the next chunk is read while the current one is sent.
 *   A buffer stays untouched until Dropbox confirms its chunk, so a chunk lost to a dropped
 *   connection is re-sent from memory.
 * - Lost responses: a retried append/finish may meet `incorrect_offset`; the server's
 *   `correct_offset` says how much of the chunk it already has, and only the rest is re-sent.
 * - A source that fails mid-way surfaces from the chunk reader before any `finish`: nothing is
 *   committed, the session is abandoned (Dropbox drops it after 7 days, §5.1).
 * - Every request carries the content hash of its own body (§6), and the whole file's hash,
 *   computed while streaming, is compared with the one Dropbox reports: DROPBOX_HASH_MISMATCH.
 */
import { DropboxError, type ConflictPolicy } from '../core/index.js';
import { ChunkReader, type Chunk } from './chunks.js';
import type { DropboxClient } from './client.js';
import {
  CONTENT_HASH_BLOCK_SIZE,
  contentHashOf,
  DropboxContentHasher,
  hashBody,
} from './content-hash.js';
import { DropboxApiError } from './errors.js';
import type { DropboxEventListener } from './events.js';
import type { FileMetadata } from './metadata.js';

export interface UploadOptions {
  path: string;
  conflict: ConflictPolicy;
  chunkSize: number;
  signal?: AbortSignal | undefined;
  onEvent?: DropboxEventListener | undefined;
  /** Bytes Dropbox has confirmed so far. */
  onProgress?: ((bytes: number) => void) | undefined;
}

export interface UploadResult {
  metadata: FileMetadata;
  contentHash: string;
  bytes: number;
}

interface CommitInfo {
  path: string;
  mode: 'add' | 'overwrite';
  autorename: boolean;
}

/**
 * The conflict policy as a CommitInfo (§4). `fail` is `add` without autorename: an existing file
 * with other content is a conflict; one with the same content is not (Dropbox writes nothing, and
 * a retried commit after a lost response stays harmless).
 */
export function commitInfo(path: string, conflict: ConflictPolicy): CommitInfo {
  return {
    path,
    mode: conflict === 'overwrite' ? 'overwrite' : 'add',
    autorename: conflict === 'add',
  };
}

/** Resending the tail of one chunk more than this many times means the server is confused. */
const MAX_OFFSET_RESUMES = 5;

/** Uploads `source` to `options.path` and verifies the content hash. */
export async function uploadStream(
  client: DropboxClient,
  source: AsyncIterable<unknown>,
  options: UploadOptions,
): Promise<UploadResult> {
  const { signal } = options;
  const commit = commitInfo(options.path, options.conflict);
  const reader = new ChunkReader(source, options.chunkSize);
  const whole = new DropboxContentHasher();
  const confirmed = (offset: number, bytes: number): void => {
    options.onEvent?.({ type: 'chunk', path: options.path, offset, bytes });
    options.onProgress?.(offset + bytes);
  };

  // Each body's hash and the whole file's: with chunks a multiple of the 4 MiB hash block (the
  // config only allows those), both come from one pass over the bytes.
  const aligned = options.chunkSize % CONTENT_HASH_BLOCK_SIZE === 0;
  const hashChunk = (bytes: Uint8Array): string => {
    if (!aligned) {
      whole.update(bytes);
      return contentHashOf(bytes);
    }
    const { hash, blocks } = hashBody(bytes);
    whole.addBlocks(blocks, bytes.length);
    return hash;
  };

  const first = await reader.next();
  const firstHash = hashChunk(first.bytes);
  if (first.last) {
    const metadata = await client.upload<FileMetadata>(
      'files/upload',
      { ...commit, content_hash: firstHash },
      first.bytes,
      signal,
    );
    confirmed(0, first.bytes.length);
    return verify(client, metadata, whole.digest(), first.bytes.length, options);
  }

  // From here on the next chunk is read while the current one is in flight (chunks.ts holds two
  // buffers); a chunk's buffer is only refilled after Dropbox confirmed it, so retries and
  // offset resumes still re-send from memory. A source error surfaces when the read-ahead is
  // awaited, which is always before the finish: a truncated source never commits.
  let ahead = readAhead(reader);
  const { session_id: sessionId } = await client.upload<{ session_id: string }>(
    'files/upload_session/start',
    { close: false, content_hash: firstHash },
    first.bytes,
    signal,
  );
  confirmed(0, first.bytes.length);

  for (;;) {
    const chunk = await ahead;
    if (!chunk.last) ahead = readAhead(reader);
    const chunkHash = hashChunk(chunk.bytes);
    // A resumed send carries only the chunk's tail, whose hash is computed anew.
    const hashOf = (body: Uint8Array): string =>
      body.length === chunk.bytes.length ? chunkHash : contentHashOf(body);
    if (chunk.last) {
      const hash = whole.digest();
      const metadata = await finish(client, sessionId, chunk, commit, hash, hashOf, signal);
      confirmed(chunk.offset, chunk.bytes.length);
      return verify(client, metadata, hash, chunk.offset + chunk.bytes.length, options);
    }
    await sendResuming(chunk.offset, chunk.bytes, (offset, body) =>
      client.upload<null>(
        'files/upload_session/append_v2',
        {
          cursor: { session_id: sessionId, offset },
          close: false,
          content_hash: hashOf(body),
        },
        body,
        signal,
      ),
    );
    confirmed(chunk.offset, chunk.bytes.length);
  }
}

/**
 * Starts reading the next chunk. When the send it overlaps fails first, nobody awaits this read;
 * the no-op handler keeps its own failure (usually the same cause) from being reported as an
 * unhandled rejection. Awaiting the returned promise still sees the error.
 */
function readAhead(reader: ChunkReader): Promise<Chunk> {
  const next = reader.next();
  next.catch(() => undefined);
  return next;
}

/**
 * Sends `bytes` (which start at `offset`), resuming from the server's `correct_offset` when a
 * previous attempt landed without its answer. Returns the call's result, or undefined when the
 * server already had the whole chunk.
 */
async function sendResuming<T>(
  offset: number,
  bytes: Uint8Array,
  send: (offset: number, body: Uint8Array) => Promise<T>,
): Promise<T | undefined> {
  let sent = 0;
  for (let resumes = 0; ; resumes++) {
    try {
      return await send(offset + sent, bytes.subarray(sent));
    } catch (error) {
      const isOffset =
        error instanceof DropboxApiError && error.code === 'DROPBOX_INCORRECT_OFFSET';
      const correct = isOffset ? error.correctOffset : undefined;
      if (!isOffset || correct === undefined) throw error;
      if (correct < offset || correct > offset + bytes.length || resumes >= MAX_OFFSET_RESUMES) {
        throw new DropboxError(
          'DROPBOX_OFFSET_MISMATCH',
          `Dropbox holds ${correct} bytes of the upload session; bidrop expected ${offset + sent}`,
          {
            ...(error.endpoint && { endpoint: error.endpoint }),
            remoteCode: 'incorrect_offset',
            hint: 'Run again; the file is uploaded anew.',
            cause: error,
          },
        );
      }
      sent = correct - offset;
      if (sent === bytes.length) return undefined;
    }
  }
}

/**
 * Commits the session with the last chunk. When the commit answer was lost and the retry finds
 * the session closed or gone, the file at the path decides: same content hash means the commit
 * went through.
 */
async function finish(
  client: DropboxClient,
  sessionId: string,
  { offset, bytes }: Chunk,
  commit: CommitInfo,
  expectedHash: string,
  hashOf: (body: Uint8Array) => string,
  signal: AbortSignal | undefined,
): Promise<FileMetadata> {
  const call = (at: number, body: Uint8Array): Promise<FileMetadata> =>
    client.upload<FileMetadata>(
      'files/upload_session/finish',
      { cursor: { session_id: sessionId, offset: at }, commit, content_hash: hashOf(body) },
      body,
      signal,
    );
  try {
    // The server had the whole last chunk already: commit with an empty body at the end offset.
    return (
      (await sendResuming(offset, bytes, call)) ??
      (await call(offset + bytes.length, new Uint8Array(0)))
    );
  } catch (error) {
    const gone =
      error instanceof DropboxApiError &&
      ['DROPBOX_SESSION_CLOSED', 'DROPBOX_SESSION_NOT_FOUND'].includes(error.code);
    if (!gone) throw error;
    const existing = await getFileMetadata(client, commit.path, signal);
    if (existing?.content_hash === expectedHash) return existing;
    throw error;
  }
}

/** Compares what Dropbox stored with what was sent; never a silent success. */
async function verify(
  client: DropboxClient,
  metadata: FileMetadata,
  expectedHash: string,
  bytes: number,
  options: UploadOptions,
): Promise<UploadResult> {
  let reported = metadata;
  if (!reported.content_hash) {
    // Optional in the spec, "always available" per the docs (§6): ask once before giving up.
    reported =
      (await getFileMetadata(client, reported.path_lower ?? options.path, options.signal)) ??
      reported;
  }
  if (reported.content_hash !== expectedHash || reported.size !== bytes) {
    throw new DropboxError(
      'DROPBOX_HASH_MISMATCH',
      `Dropbox stored different content at ${options.path} than bidrop sent`,
      {
        remoteCode: reported.content_hash
          ? `content_hash ${reported.content_hash}, size ${reported.size}`
          : 'no content_hash',
        hint: `Sent ${bytes} bytes with hash ${expectedHash}. Run again; if it persists, check proxies between here and Dropbox.`,
      },
    );
  }
  return { metadata: reported, contentHash: expectedHash, bytes };
}

/** The file's metadata at `path`, or undefined when nothing (or a folder) is there. */
export async function getFileMetadata(
  client: DropboxClient,
  path: string,
  signal?: AbortSignal,
): Promise<FileMetadata | undefined> {
  try {
    const metadata = await client.rpc<{ '.tag'?: string } & FileMetadata>(
      'files/get_metadata',
      { path },
      signal,
    );
    return metadata['.tag'] === 'file' ? metadata : undefined;
  } catch (error) {
    if (error instanceof DropboxApiError && error.code === 'DROPBOX_NOT_FOUND') return undefined;
    throw error;
  }
}
