/** Helpers for the instance and schedule tests: CMS queries, polling, PDF text. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

import type { BiEmulator } from '../../../src/emulators/bi/index.js';
import { call, callJson, type Body } from './helpers.js';

const standardFontDataUrl = `${join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

/** Runs a CMS query over JSON; returns the `entries`. */
export async function cms(emu: BiEmulator, token: string, query: string): Promise<Body[]> {
  const res = await callJson(emu, token, '/v1/cmsquery', { method: 'POST', body: { query } });
  if (res.status !== 200) throw new Error(`cmsquery ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.entries as Body[];
}

/** The SI_SCHEDULE_STATUS of one instance, read by CMS query as S2 polls it. */
export async function statusOf(emu: BiEmulator, token: string, id: number): Promise<number> {
  const rows = await cms(
    emu,
    token,
    `SELECT SI_SCHEDULE_STATUS FROM CI_INFOOBJECTS WHERE SI_ID=${id}`,
  );
  return rows[0]?.SI_SCHEDULE_STATUS as number;
}

/** Polls `read` every 20 ms until `done` holds (or fails after `timeoutMs`); returns every value seen. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T[]> {
  const seen: T[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (seen.at(-1) !== value) seen.push(value);
    if (done(value)) return seen;
    if (Date.now() > deadline) throw new Error(`gave up polling; seen ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Downloads `/infostore/folder/{id}/file`; returns status, headers and bytes. */
export async function download(
  emu: BiEmulator,
  token: string,
  id: number,
): Promise<{ status: number; type: string | null; bytes: Uint8Array; res: Response }> {
  const res = await call(emu, token, `/infostore/folder/${id}/file`, { accept: '*/*' });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), bytes, res };
}

/** The text of a PDF, all pages joined by spaces (pdf.js gets a copy: it detaches its input). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({
    data: bytes.slice(),
    standardFontDataUrl,
    isEvalSupported: false,
  }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await pdf.destroy();
  return pages.join(' ').replace(/\s+/g, ' ');
}
