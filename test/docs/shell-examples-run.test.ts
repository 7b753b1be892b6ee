/**
 * Runs the documentation's examples against both emulators: every ```sh test``` block, in page
 * order, with `bidrop` on the PATH and the files of ```yaml file=NAME``` blocks written first;
 * and plans every ```yaml publications``` recipe. The consent page is answered over HTTP, as a
 * browser would.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { demoCredentials, startBiEmulator, type BiEmulator } from '../../src/emulators/bi/index.js';
import { startDropboxEmulator } from '../../src/emulators/dropbox/index.js';
import { approveConsent } from './consent.js';
import { fragmentBase } from './fragment-base.js';
import { blocks, flag, pages } from './markdown.js';

let bi: BiEmulator;
let dropbox: Awaited<ReturnType<typeof startDropboxEmulator>>;
let bin: string;
const dirs: string[] = [];

beforeAll(async () => {
  [bi, dropbox] = await Promise.all([startBiEmulator({ port: 0 }), startDropboxEmulator()]);
  bin = await mkdtemp(path.join(tmpdir(), 'bidrop-docs-bin-'));
  dirs.push(bin);
  await shim('bidrop', `exec "${process.execPath}" "${path.resolve('bin/bidrop.js')}" "$@"`);
  // The CLI opens the consent page with xdg-open (open on macOS); the test plays the browser.
  await shim('xdg-open', 'exit 0');
  await shim('open', 'exit 0');
});

afterAll(async () => {
  await Promise.allSettled([bi?.close(), dropbox?.close()]);
  await Promise.allSettled(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function shim(name: string, body: string): Promise<void> {
  const file = path.join(bin, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
}

/** The environment the pages tell the reader to set, pointing at the emulators. */
function environment(): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('BIDROP_')),
  );
  return {
    ...inherited,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    DISPLAY: ':0',
    BI_URL: bi.url,
    BI_USER: demoCredentials.username,
    BI_PASSWORD: demoCredentials.password,
    DROPBOX_URL: dropbox.url,
    DROPBOX_APP_KEY: dropbox.demoApp.key,
  };
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one block with `sh -e`; answers the consent page whenever the CLI asks for it. */
function runBlock(script: string, cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-e', '-c', script], { cwd, env: environment() });
    let stdout = '';
    let stderr = '';
    const answered = new Set<string>();
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const [url] of stderr.matchAll(/http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+/g)) {
        if (answered.has(url)) continue;
        answered.add(url);
        approveConsent(url).catch((error: unknown) => (stderr += `\n[consent] ${String(error)}`));
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function localDate(): string {
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const pagesWithTests = pages().filter((p) =>
  blocks(p).some((b) => b.lang === 'sh' && b.flags.includes('test')),
);

describe('shell examples marked ```sh test```', () => {
  it('try-it.md has them', () => {
    expect(pagesWithTests).toContain('try-it.md');
  });

  it.each(pagesWithTests)(
    '%s: every block succeeds against the emulators',
    async (page) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-docs-'));
      dirs.push(dir);
      for (const block of blocks(page)) {
        const file = flag(block, 'file');
        if (file) await writeFile(path.join(dir, file), block.text);
        if (block.lang !== 'sh' || !block.flags.includes('test')) continue;

        const ran = await runBlock(block.text, dir);
        expect(ran.stderr, `${page}:${block.line}`).not.toContain('unexpected error');
        expect(
          ran.code,
          `${page}:${block.line} exited ${ran.code}\n${ran.stdout}\n${ran.stderr}`,
        ).toBe(0);
      }

      if (page === 'try-it.md') {
        // What the page says happened, happened: files in Dropbox, no BI session left open.
        const delivered = await dropbox.readFile(
          `/Reports/daily-sales/${localDate()}/Daily Sales - EMEA.pdf`,
        );
        expect(delivered?.subarray(0, 5).toString()).toBe('%PDF-');
        expect(await dropbox.readFile('/Reports/revenue.xlsx')).toBeDefined();
        expect(bi.stats().openSessions).toBe(0);
      }
    },
    120_000,
  );
});

const recipes = pages().flatMap((page) =>
  blocks(page).filter((b) => b.lang === 'yaml' && b.flags.includes('publications')),
);

describe('publication recipes', () => {
  it.concurrent.each(recipes.map((b) => [`${b.page}:${b.line}`, b] as const))(
    '%s plans against the BI emulator (bidrop run --dry-run)',
    async (_where, block) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-recipe-'));
      dirs.push(dir);
      await writeFile(path.join(dir, 'bidrop.yaml'), fragmentBase(dropbox.url) + block.text);

      const ran = await runBlock('bidrop run --dry-run', dir);
      expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
      expect(ran.stdout).toMatch(/\d+ deliveries to /);
      expect(ran.stdout).not.toMatch(/: 0 deliveries to /);
    },
    30_000,
  );
});
