/** Raw HTTP helpers for the BI emulator tests: log on, call with a token, read error envelopes. */
import { afterEach } from 'vitest';

import {
  demoCredentials,
  startBiEmulator,
  type BiEmulator,
  type BiEmulatorOptions,
} from '../../../src/emulators/bi/index.js';

// Test bodies are read by path and checked by value; typing every reply would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = any;

export const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

const running: BiEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** Starts an emulator that is closed after the current test. */
export async function emulator(options: BiEmulatorOptions = {}): Promise<BiEmulator> {
  const emu = await startBiEmulator(options);
  running.push(emu);
  return emu;
}

/** Logs on with the demo account over JSON; returns the header copy of the token (quoted). */
export async function logon(
  emu: BiEmulator,
  user: string = demoCredentials.username,
): Promise<string> {
  const res = await fetch(`${emu.url}/logon/long`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({
      userName: user,
      password: demoCredentials.password,
      auth: 'secEnterprise',
    }),
  });
  if (res.status !== 200) throw new Error(`logon failed: ${res.status} ${await res.text()}`);
  const token = res.headers.get('x-sap-logontoken');
  if (!token) throw new Error('logon returned no token');
  return token;
}

export interface CallOptions {
  method?: string;
  accept?: string;
  body?: unknown;
  contentType?: string;
}

/** Calls `path` below the base URL with the token; objects become JSON bodies. */
export function call(
  emu: BiEmulator,
  token: string | undefined,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  if (token !== undefined) headers['X-SAP-LogonToken'] = token;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] =
      options.contentType ??
      (typeof options.body === 'string' ? 'application/xml' : 'application/json');
  }
  return fetch(`${emu.url}${path}`, {
    method: options.method ?? 'GET',
    headers,
    ...(body !== undefined && { body }),
  });
}

/** Calls and parses a JSON body. */
export async function callJson(
  emu: BiEmulator,
  token: string | undefined,
  path: string,
  options: CallOptions = {},
): Promise<{ status: number; body: Body }> {
  const res = await call(emu, token, path, options);
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Answers prompts by id (JSON), returning the parsed reply. */
export function answer(
  emu: BiEmulator,
  token: string,
  docId: number,
  answers: Record<number, string | string[]>,
): Promise<{ status: number; body: Body }> {
  const parameter = Object.entries(answers).map(([id, values]) => ({
    id: Number(id),
    answer: { values: { value: values } },
  }));
  return callJson(emu, token, `/raylight/v1/documents/${docId}/parameters?lovInfo=false`, {
    method: 'PUT',
    body: { parameters: { parameter } },
  });
}

/** A body as a list: Raylight JSON gives one element as a bare object. */
export function list<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
