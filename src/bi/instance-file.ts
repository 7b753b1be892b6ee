/**
 * Downloading the file an InfoObject holds (bi4-instances.md §2.1): an instance's output or an
 * uploaded PDF/Excel file alike, through `GET /infostore/folder/<id>/file`, the one endpoint seen
 * working. The body is streamed; only its first bytes are read here, to learn its type.
 */
import type { Readable } from 'node:stream';

import { biError, BiErrorCode } from './codes.js';
import { header, type BiCall, type BiResponse } from './http.js';
import type { Instance } from './instance-status.js';
import { peekHead, sniffType } from './sniff.js';
import { callOpen, type Scope } from './scope.js';

export interface InstanceFile {
  response: BiResponse;
  /** The body, first bytes included. */
  body: Readable;
  contentType: string;
  extension: string;
  size?: number;
}

/** The download call for an object's file. */
export function instanceFileCall(id: number): BiCall {
  // Any type may come back, and a large output may take a while to start streaming.
  return { method: 'GET', path: `/infostore/folder/${id}/file`, accept: '*/*', slow: true };
}

/** Refuses an instance with several files: what the endpoint sends then is unknown (Q3). */
export function assertSingleFile(instance: Instance): void {
  if (instance.files === undefined || instance.files <= 1) return;
  throw biError(
    BiErrorCode.instanceMultiFile,
    `Instance ${instance.id} of "${instance.name}" holds ${instance.files} files; bidrop delivers single-file instances only`,
    {
      hint: 'Schedule the document to one file (e.g. CSV without one file per data provider), or deliver it with from: refresh.',
    },
  );
}

/** Starts the download of an object's file and sniffs its type. */
export async function openInstanceFile(
  scope: Scope,
  id: number,
  kind: string,
): Promise<InstanceFile> {
  const call = instanceFileCall(id);
  const response = await callOpen(scope, call);
  const length = Number(header(response.headers, 'content-length'));
  let peeked;
  try {
    peeked = await peekHead(response.body);
  } catch (error) {
    response.body.destroy();
    throw biError(BiErrorCode.connectionLost, `The file of object ${id} could not be read`, {
      method: call.method,
      endpoint: call.path,
      transient: true,
      cause: error,
      hint: 'Run again; if it keeps happening, check the network or proxy in between.',
    });
  }
  const sniffed = sniffType(peeked.head, kind);
  return {
    response,
    body: peeked.stream,
    contentType: sniffed.contentType,
    extension: sniffed.extension,
    ...(Number.isSafeInteger(length) && length >= 0 && { size: length }),
  };
}
