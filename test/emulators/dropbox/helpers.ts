/** Raw-HTTP helpers for the Dropbox emulator tests: no code shared with src/dropbox/. */
import { createHash } from 'node:crypto';
import type { DropboxEmulator } from '../../../src/emulators/dropbox/index.js';

/** Content hash written from the API note §6, independently of the emulator's hasher. */
export function expectedContentHash(data: Buffer): string {
  const block = 4 * 1024 * 1024;
  const digests: Buffer[] = [];
  for (let at = 0; at < data.length; at += block) {
    digests.push(
      createHash('sha256')
        .update(data.subarray(at, at + block))
        .digest(),
    );
  }
  return createHash('sha256').update(Buffer.concat(digests)).digest('hex');
}

/** Hidden inputs of the consent page's form, and the form's action. */
export function parseConsent(html: string): { action: string; fields: Record<string, string> } {
  const forms = html.match(/<form [^>]*>/g) ?? [];
  if (forms.length !== 1) throw new Error(`expected one form, found ${forms.length}`);
  const action = /action="([^"]*)"/.exec(forms[0] ?? '')?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const input of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescape(input[1] ?? '')] = unescape(input[2] ?? '');
  }
  return { action, fields };
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

function unescape(text: string): string {
  return text.replace(/&(#\d+|amp|lt|gt|quot);/g, (_, name: string) =>
    name.startsWith('#') ? String.fromCharCode(Number(name.slice(1))) : (NAMED[name] ?? ''),
  );
}

/** Opens the consent page for these parameters and submits a decision; returns the answer. */
export async function consent(
  emu: DropboxEmulator,
  params: Record<string, string>,
  decision: 'allow' | 'deny' = 'allow',
): Promise<Response> {
  const page = await fetch(`${emu.url}/oauth2/authorize?${new URLSearchParams(params)}`);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const { action, fields } = parseConsent(await page.text());
  return fetch(`${emu.url}${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, decision }),
    redirect: 'manual',
  });
}

export const REDIRECT = 'http://127.0.0.1:53682/oauth/callback';

/** Code flow with the demo app's secret by HTTP Basic; returns the token response. */
export async function authorize(
  emu: DropboxEmulator,
  extra: Record<string, string> = {},
): Promise<{ access_token: string; refresh_token?: string; expires_in?: number }> {
  const answer = await consent(emu, {
    client_id: emu.demoApp.key,
    response_type: 'code',
    redirect_uri: REDIRECT,
    token_access_type: 'offline',
    ...extra,
  });
  const code = new URL(answer.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const token = await fetch(`${emu.url}/oauth2/token`, {
    method: 'POST',
    headers: { Authorization: basic(emu), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }),
  });
  if (token.status !== 200)
    throw new Error(`token answered ${token.status}: ${await token.text()}`);
  return (await token.json()) as { access_token: string; refresh_token?: string };
}

export function basic(emu: DropboxEmulator): string {
  return `Basic ${Buffer.from(`${emu.demoApp.key}:${emu.demoApp.secret}`).toString('base64')}`;
}

/** An RPC call with a JSON argument (or none). */
export function rpc(
  emu: DropboxEmulator,
  token: string,
  route: string,
  arg?: unknown,
): Promise<Response> {
  return fetch(`${emu.url}/2/${route}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      ...(arg !== undefined && { 'Content-Type': 'application/json' }),
    },
    ...(arg !== undefined && { body: JSON.stringify(arg) }),
  });
}

/** An upload-style call: the argument in Dropbox-API-Arg (escaped as the note says), bytes as body. */
export function content(
  emu: DropboxEmulator,
  token: string,
  route: string,
  arg: unknown,
  body: Uint8Array = new Uint8Array(0),
): Promise<Response> {
  return fetch(`${emu.url}/2/${route}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      // Downloads go without a body and without a Content-Type (note §3.3).
      ...(route !== 'files/download' && { 'Content-Type': 'application/octet-stream' }),
      'Dropbox-API-Arg': headerJson(arg),
    },
    ...(route !== 'files/download' && { body: body as Uint8Array<ArrayBuffer> }),
  });
}

export function headerJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The JSON body of a response, with its status checked. */
export async function json<T = Record<string, unknown>>(
  answer: Response,
  status = 200,
): Promise<T> {
  const text = await answer.text();
  if (answer.status !== status)
    throw new Error(`expected ${status}, got ${answer.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** error_summary without its random trailing dots. */
export function summary(body: { error_summary?: string }): string {
  return (body.error_summary ?? '').replace(/\.*$/, '');
}
