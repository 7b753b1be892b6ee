/**
 * Runs examples/bi-export-to-dropbox.xml, unchanged, against the BI platform and Dropbox
 * emulators: log on, list, export a PDF, log off, upload it with a token obtained through the
 * emulator's real OAuth flow.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { demoCredentials, startBiEmulator } from '../../src/emulators/bi/index.js';
import { startDropboxEmulator } from '../../src/emulators/dropbox/index.js';
import { tempDir } from './helpers.js';

const run = promisify(execFile);
const BIN = resolve('bin/bidrop.js');
const EXAMPLE = resolve('examples/bi-export-to-dropbox.xml');
/** "Monthly Revenue": no prompts and saved with data, so it exports rows without a refresh. */
const DOCUMENT = '6003';

let bi: Awaited<ReturnType<typeof startBiEmulator>>;
let dropbox: Awaited<ReturnType<typeof startDropboxEmulator>>;
let tmp: Awaited<ReturnType<typeof tempDir>>;

/** Drives the emulator's authorize page and token endpoint as a browser and an app would. */
async function accessToken(): Promise<string> {
  const redirectUri = 'http://127.0.0.1:53682/oauth/callback';
  const authorize = new URL('/oauth2/authorize', dropbox.url);
  authorize.search = new URLSearchParams({
    client_id: dropbox.demoApp.key,
    response_type: 'code',
    redirect_uri: redirectUri,
    state: 'example-test',
    token_access_type: 'offline',
  }).toString();
  const page = await (await fetch(authorize)).text();

  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page);
  expect(form, 'the authorize page has a form').not.toBeNull();
  const fields = new URLSearchParams();
  for (const input of (form?.[2] ?? '').matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name && name !== 'decision') fields.set(name, decodeEntities(value));
  }
  fields.set('decision', 'allow');
  const action = new URL(decodeEntities(form?.[1] ?? ''), authorize);
  const approved = await fetch(action, { method: 'POST', body: fields, redirect: 'manual' });
  expect(approved.status).toBe(302);
  const code = new URL(approved.headers.get('location') ?? '').searchParams.get('code');
  expect(code).toBeTruthy();

  const token = await fetch(new URL('/oauth2/token', dropbox.url), {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: redirectUri,
      client_id: dropbox.demoApp.key,
      client_secret: dropbox.demoApp.secret,
    }),
  });
  expect(token.status).toBe(200);
  return ((await token.json()) as { access_token: string }).access_token;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#(x?)([0-9a-f]+);/gi, (_m, hex: string, n: string) =>
      String.fromCodePoint(parseInt(n, hex ? 16 : 10)),
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

beforeAll(async () => {
  [bi, dropbox, tmp] = await Promise.all([startBiEmulator(), startDropboxEmulator(), tempDir()]);
});

afterAll(async () => {
  await Promise.allSettled([bi?.close(), dropbox?.close(), tmp?.cleanup()]);
});

describe('examples/bi-export-to-dropbox.xml', () => {
  it('exports a document from the BI emulator and uploads it to the Dropbox emulator', async () => {
    const token = await accessToken();
    const { stdout } = await run(
      process.execPath,
      [
        BIN,
        'workflow',
        'run',
        EXAMPLE,
        `bo=${bi.url}`,
        `user=${demoCredentials.username}`,
        `password=${demoCredentials.password}`,
        `dropboxContent=${dropbox.url}`,
        `dropboxToken=${token}`,
        `doc=${DOCUMENT}`,
        '--report',
        'junit.xml',
      ],
      { cwd: tmp.dir },
    );

    expect(stdout).toContain('5 calls: 5 passed, 0 failed, 0 errors');
    // The workflow logged off: no licensed BI session left behind.
    expect(bi.stats()).toMatchObject({ logons: 1, logoffs: 1, openSessions: 0, exports: 1 });
    const pdf = await readFile(join(tmp.dir, 'exports', `document-${DOCUMENT}.pdf`));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const uploaded = await dropbox.readFile(`/Reports/document-${DOCUMENT}.pdf`);
    expect(uploaded?.equals(pdf)).toBe(true);

    // Nothing secret reached the output or the report.
    const report = await readFile(join(tmp.dir, 'junit.xml'), 'utf8');
    for (const text of [stdout, report]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(demoCredentials.password);
    }
    expect(report).toContain('failures="0"');
  });
});
