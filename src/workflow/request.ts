/**
 * Builds the HTTP request of a `<call>` from its `<request>`, expanding variables afresh each
 * time (the original expanded headers and contents in place, so a loop kept the first turn's).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

import { WorkflowError } from '../core/index.js';
import type { Body, OutgoingRequest } from './http.js';
import type { RequestDecl } from './model.js';
import { substitute, unresolved, type Lookup } from './scope.js';
import { rememberHeaderSecrets } from './secrets.js';
import { at, type Location } from './xml.js';

/** The request `decl` describes with the variables of `lookup`; relative files from `cwd`. */
export async function buildRequest(
  decl: RequestDecl,
  lookup: Lookup,
  cwd: string,
): Promise<OutgoingRequest> {
  const url = substitute(decl.url, lookup).trim();
  const unknown = unresolved(url);
  if (unknown.length > 0) {
    throw new WorkflowError(
      'WORKFLOW_UNKNOWN_VARIABLE',
      `${at(decl)}: the URL uses ${unknown.map((id) => `\${${id}}`).join(', ')}, which no variable defines`,
      {
        hint: 'Define it in <context>, in azot.properties or as a name=value argument, or capture it in an earlier <response>.',
      },
    );
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new WorkflowError('WORKFLOW_INVALID_URL', `${at(decl)}: "${url}" is not an http(s) URL`, {
      hint: 'Write an absolute URL such as http://host:6405/biprws/logon/long.',
    });
  }

  const headers: Record<string, string> = {};
  for (const header of decl.headers) headers[header.name] = substitute(header.value, lookup);
  rememberHeaderSecrets(headers);

  return { method: decl.method, url, headers, body: await buildBody(decl, headers, lookup, cwd) };
}

async function buildBody(
  decl: RequestDecl,
  headers: Record<string, string>,
  lookup: Lookup,
  cwd: string,
): Promise<Body> {
  if (decl.bodyFile !== undefined) {
    return { kind: 'file', path: await existing(substitute(decl.bodyFile, lookup), cwd, decl) };
  }

  const contentType = Object.entries(headers).find(
    ([n]) => n.toLowerCase() === 'content-type',
  )?.[1];
  if (contentType?.toLowerCase().startsWith('multipart/form-data')) {
    const parts: Extract<Body, { kind: 'multipart' }>['parts'] = decl.contents.map((c) => ({
      kind: 'text',
      name: substitute(c.name, lookup),
      type: substitute(c.type, lookup),
      text: substitute(c.text, lookup).trim(),
    }));
    for (const e of decl.externalContents) {
      parts.push({
        kind: 'file',
        name: substitute(e.name, lookup),
        type: substitute(e.type, lookup),
        path: await existing(substitute(e.filename, lookup), cwd, e),
      });
    }
    return { kind: 'multipart', parts };
  }

  // As in the original, a request that is not multipart sends its first <content> only.
  const first = decl.contents[0];
  return first ? { kind: 'text', text: substitute(first.text, lookup).trim() } : { kind: 'none' };
}

async function existing(file: string, cwd: string, where: Location): Promise<string> {
  const unknown = unresolved(file);
  if (unknown.length > 0) {
    throw new WorkflowError(
      'WORKFLOW_UNKNOWN_VARIABLE',
      `${at(where)}: the file to send uses ${unknown.map((id) => `\${${id}}`).join(', ')}, which no variable defines`,
      { hint: 'Check that the call that captures it ran and succeeded.' },
    );
  }
  const path = resolve(cwd, file);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    throw new WorkflowError(
      'WORKFLOW_FILE_NOT_FOUND',
      `${at(where)}: the file to send does not exist: ${path}`,
      {
        hint: 'Check the path; relative paths are read from the working directory.',
      },
    );
  }
  return path;
}
