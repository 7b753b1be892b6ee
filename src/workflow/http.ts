/**
 * Sends one call's request and reads its response, streaming files both ways: a file body or
 * multipart file part is read from disk as it is sent, a saved or dumped binary body is written
 * to disk as it arrives.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';

import { AbortedError, WorkflowError } from '../core/index.js';
import type { ResponseView } from './capture.js';

export type Body =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'file'; path: string }
  | { kind: 'multipart'; parts: Part[] };

export type Part =
  | { kind: 'text'; name: string; type: string; text: string }
  | { kind: 'file'; name: string; type: string; path: string };

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Body;
}

export interface ReceiveOptions {
  /** Stream a successful body to this file (`bidrop:save-to`). */
  saveTo?: string | undefined;
  /** With `azot-dump`, where the body of this call goes, given its extension. */
  dumpPath?: ((extension: string) => string) | undefined;
  signal?: AbortSignal | undefined;
}

export interface Received extends ResponseView {
  bytes: number;
}

/** The extension the original gives a content type, and whether the body is binary. */
export function kindOf(
  contentType: string,
  contentEncoding: string,
): { ext: string; binary: boolean } {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (contentEncoding.toLowerCase() === 'gzip') return { ext: 'zip', binary: true };
  if (type.endsWith('xml')) return { ext: 'xml', binary: false };
  if (type.endsWith('html')) return { ext: 'html', binary: false };
  if (type.endsWith('plain')) return { ext: 'txt', binary: false };
  if (type.endsWith('pdf')) return { ext: 'pdf', binary: true };
  if (type === 'application/vnd.ms-excel') return { ext: 'xls', binary: true };
  if (type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') {
    return { ext: 'xlsx', binary: true };
  }
  if (type === 'application/zip') return { ext: 'zip', binary: true };
  for (const image of ['jpg', 'jpeg', 'png', 'gif', 'bmp']) {
    if (type.endsWith(image)) return { ext: image === 'jpeg' ? 'jpg' : image, binary: true };
  }
  // An addition: the original read octet-stream as text, mangling the bytes into a variable.
  if (type === 'application/octet-stream') return { ext: 'bin', binary: true };
  return { ext: 'out', binary: false };
}

/** Sends `outgoing` and reads the answer; network failures become WORKFLOW_NETWORK_ERROR. */
export async function exchange(
  outgoing: OutgoingRequest,
  options: ReceiveOptions,
): Promise<Received> {
  const { headers, body, length } = await encode(outgoing);
  const url = new URL(outgoing.url);
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, {
      method: outgoing.method as 'GET',
      headers: length === undefined ? headers : { ...headers, 'content-length': String(length) },
      body: body ?? null,
      ...(options.signal && { signal: options.signal }),
    });
  } catch (error) {
    throw networkError(error, outgoing.method, url, options.signal);
  }

  const responseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined)
      responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const status = response.statusCode;
  const kind = kindOf(
    responseHeaders['content-type'] ?? '',
    responseHeaders['content-encoding'] ?? '',
  );
  const view: Received = {
    status,
    headers: responseHeaders,
    text: undefined,
    savedPath: undefined,
    bytes: 0,
  };

  try {
    const target =
      options.saveTo !== undefined && status < 400
        ? options.saveTo
        : kind.binary
          ? options.dumpPath?.(kind.ext)
          : undefined;
    if (target !== undefined) {
      view.bytes = await saveBody(response.body, target);
      view.savedPath = target;
    } else if (kind.binary) {
      for await (const chunk of response.body) view.bytes += (chunk as Buffer).length;
    } else {
      const buffer = Buffer.from(await response.body.arrayBuffer());
      view.bytes = buffer.length;
      view.text = buffer.toString('utf8');
      const dump = options.dumpPath?.(kind.ext);
      if (dump !== undefined && view.text !== '') {
        await saveBody(Readable.from([buffer]), dump);
        view.savedPath = dump;
      }
    }
  } catch (error) {
    if (error instanceof WorkflowError) throw error;
    throw networkError(error, outgoing.method, url, options.signal);
  }
  return view;
}

/** Writes `source` to `path` through a `.partial` file, so a cut-off body never looks complete. */
async function saveBody(source: NodeJS.ReadableStream | Readable, path: string): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  let bytes = 0;
  const counter = async function* (input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of input) {
      bytes += chunk.length;
      yield chunk;
    }
  };
  try {
    await pipeline(source as Readable, counter, createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return bytes;
}

async function encode(outgoing: OutgoingRequest): Promise<{
  headers: Record<string, string>;
  body: string | Readable | undefined;
  length: number | undefined;
}> {
  const headers = { ...outgoing.headers };
  const body = outgoing.body;
  switch (body.kind) {
    case 'none':
      return { headers, body: undefined, length: undefined };
    case 'text':
      return { headers, body: body.text, length: Buffer.byteLength(body.text) };
    case 'file': {
      const size = await fileSize(body.path);
      return { headers, body: createReadStream(body.path), length: size };
    }
    case 'multipart': {
      const boundary = `----bidrop-${randomBytes(12).toString('hex')}`;
      for (const name of Object.keys(headers)) {
        if (name.toLowerCase() === 'content-type') delete headers[name];
      }
      headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
      return { headers, ...(await multipart(body.parts, boundary)) };
    }
  }
}

/** A well-formed multipart body (CRLF line ends, closing delimiter), files streamed from disk. */
async function multipart(
  parts: Part[],
  boundary: string,
): Promise<{ body: Readable; length: number }> {
  const chunks: (Buffer | { path: string })[] = [];
  let length = 0;
  for (const part of parts) {
    const filename = part.kind === 'file' ? `; filename="${quote(basename(part.path))}"` : '';
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.name)}"${filename}\r\n` +
      (part.type ? `Content-Type: ${part.type}\r\n` : '') +
      '\r\n';
    chunks.push(Buffer.from(head));
    length += Buffer.byteLength(head);
    if (part.kind === 'file') {
      length += await fileSize(part.path);
      chunks.push({ path: part.path });
    } else {
      const text = Buffer.from(part.text);
      chunks.push(text);
      length += text.length;
    }
    chunks.push(Buffer.from('\r\n'));
    length += 2;
  }
  const end = Buffer.from(`--${boundary}--\r\n`);
  chunks.push(end);
  length += end.length;

  async function* generate(): AsyncGenerator<Buffer> {
    for (const chunk of chunks) {
      if (Buffer.isBuffer(chunk)) yield chunk;
      else for await (const data of createReadStream(chunk.path)) yield data as Buffer;
    }
  }
  return { body: Readable.from(generate()), length };
}

function quote(text: string): string {
  return text.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new WorkflowError('WORKFLOW_FILE_NOT_FOUND', `cannot read the file to send: ${path}`, {
      hint: 'Check the path; relative paths are read from the working directory.',
      cause: error,
    });
  }
}

function networkError(error: unknown, method: string, url: URL, signal?: AbortSignal): Error {
  if (signal?.aborted) return new AbortedError('Stopped before the workflow finished.', error);
  const reason = (error as { code?: string }).code ?? (error as Error).message;
  return new WorkflowError(
    'WORKFLOW_NETWORK_ERROR',
    `${method} ${url.origin}${url.pathname} failed: ${reason}`,
    {
      method,
      endpoint: url.pathname,
      transient: true,
      hint: 'Check that the server is up and the URL is right.',
      cause: error,
    },
  );
}
