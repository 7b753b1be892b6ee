/**
 * files/download (note §3.3, §7.5): the body streamed from the blob, the metadata in
 * `Dropbox-API-Result`, `ETag`, single `Range` requests (206) and `If-None-Match` (304).
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { opt, req, str, struct } from './args.js';
import { RouteFailure, baseHeaders, dropIfLost, headerSafeJson, throttle } from './http-io.js';
import { fileMetadata, type FileEntry } from './metadata.js';
import { readPath } from './paths.js';
import { route, type RouteDef } from './route.js';
import { lookup, under } from './routes-files.js';
import type { EmulatorState } from './state.js';

/** Parses `bytes=a-b`, `bytes=a-`, `bytes=-n`; undefined when unsatisfiable or multi-range. */
export function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return undefined;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : undefined;
}

/** Streams a stored file as a download answer, honouring Range and If-None-Match. */
export async function sendFile(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  file: FileEntry,
  headers: Record<string, string>,
): Promise<void> {
  if (dropIfLost(res)) return;
  const etag = `W/"${file.rev}"`;
  const common = { ...baseHeaders(), ...headers, ETag: etag, 'Accept-Ranges': 'bytes' };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, common);
    res.end();
    return;
  }

  const rangeHeader = req.headers.range;
  const range = rangeHeader === undefined ? undefined : parseRange(rangeHeader, file.size);
  if (rangeHeader !== undefined && !range) {
    res.writeHead(416, { ...common, 'Content-Range': `bytes */${file.size}` });
    res.end();
    return;
  }

  const start = range?.start ?? 0;
  const end = range?.end ?? file.size - 1;
  res.writeHead(range ? 206 : 200, {
    ...common,
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(Math.max(0, end - start + 1)),
    'original-content-length': String(file.size),
    ...(range && { 'Content-Range': `bytes ${start}-${end}/${file.size}` }),
  });
  if (file.size === 0) {
    res.end();
    return;
  }
  const stages: Readable[] = [
    createReadStream(state.blobs.blobPath(file.contentHash), { start, end }),
  ];
  if (state.bytesPerSecond) stages.push(throttle(state.bytesPerSecond));
  await pipeline([...stages, res] as unknown as [Readable, ServerResponse]);
}

const download = route(struct({ path: req(readPath), rev: opt(str) }), {
  style: 'download',
  auth: 'user',
  scope: 'files.content.read',
  async handle({ state, req, res, arg }) {
    const entry = await under('path', () => lookup(state, arg.rev ? `rev:${arg.rev}` : arg.path));
    if (entry.kind !== 'file') {
      throw new RouteFailure(['path', 'not_file'], {
        '.tag': 'path',
        path: { '.tag': 'not_file' },
      });
    }
    await sendFile(state, req, res, entry, {
      'Dropbox-API-Result': headerSafeJson(fileMetadata(entry)),
    });
    return undefined;
  },
});

export const downloadRoutes: Array<[string, RouteDef]> = [['/2/files/download', download]];
