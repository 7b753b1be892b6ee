/**
 * Against the real Dropbox emulator (src/emulators/dropbox/), through its public API only: the
 * whole OAuth flow, a multi-chunk upload through injected faults, and a search for secrets in
 * everything a debug-level run leaves behind. Skipped until the emulator exists.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { DropboxDestinationConfig } from '../../src/config/index.js';
import {
  authorize,
  createDropboxDestination,
  TokenStore,
  type DropboxEvent,
  type StoredTokens,
} from '../../src/dropbox/index.js';
import { bytes, env, fastRetry } from './setup.js';
import { referenceHash } from './fake-dropbox.js';

/** The emulator as the brief describes it; typed here so this file compiles before it lands. */
interface Emulator {
  url: string;
  demoApp: { key: string; secret: string; redirectUris: string[] };
  stats(): {
    requests: Record<string, number>;
    bytesStored: number;
    tokensIssued: number;
    refreshes: number;
  };
  setFaults(faults: {
    rate429?: number;
    retryAfterSec?: number;
    rate5xx?: number;
    dropRate?: number;
  }): void;
  revisions(path: string): unknown;
  readFile(path: string): unknown;
  expireAccessTokens(): void;
  close(): Promise<void>;
}
type Start = (options?: Record<string, unknown>) => Promise<Emulator>;

const emulatorFile = path.resolve('src/emulators/dropbox/index.ts');
const available = existsSync(emulatorFile);

let emu: Emulator;
let stateDir: string;
beforeEach(async () => {
  if (!available) return;
  const module = (await import('../../src/emulators/dropbox/index.js' as string)) as {
    startDropboxEmulator: Start;
  };
  emu = await module.startDropboxEmulator();
  stateDir = await mkdtemp(path.join(tmpdir(), 'bidrop-emu-'));
});
afterEach(async () => {
  if (!available) return;
  await emu.close();
  await rm(stateDir, { recursive: true, force: true });
});

const endpoints = (): { authorize: string; api: string; content: string } => ({
  authorize: emu.url,
  api: emu.url,
  content: emu.url,
});

/** A loopback redirect URI the demo app registered, if any; else bidrop's default. */
function loopbackRedirect(): string | undefined {
  return emu.demoApp.redirectUris.find((u) =>
    /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(u),
  );
}

const decode = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Plays the user: load the consent page, post its form with `decision`, follow the redirect. */
async function consent(url: string, decision: 'allow' | 'deny' = 'allow'): Promise<void> {
  const page = await (await fetch(url)).text();
  const form = /<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(page);
  if (!form) throw new Error('no consent form on the page');
  const body = new URLSearchParams();
  for (const input of form[1]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name && /type="hidden"/i.test(input[0])) body.set(decode(name), decode(value));
  }
  body.set('decision', decision);
  const answer = await fetch(new URL('/oauth2/authorize', url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (location) await fetch(location);
}

async function authorized(
  appSecret?: string,
  tweak: (url: URL) => void = () => undefined,
  /** null: bidrop's default redirect URI. */
  redirectUri: string | undefined | null = loopbackRedirect(),
): Promise<StoredTokens> {
  return authorize({
    appKey: emu.demoApp.key,
    ...(appSecret && { appSecret }),
    endpoints: endpoints(),
    timeoutMs: 10_000,
    ...(redirectUri && { redirectUri }),
    openUrl: async (url) => {
      const u = new URL(url);
      tweak(u);
      await consent(u.href);
    },
  });
}

function config(extra: Partial<DropboxDestinationConfig> = {}): DropboxDestinationConfig {
  return {
    type: 'dropbox',
    appKey: emu.demoApp.key,
    endpoints: endpoints(),
    concurrency: 4,
    ...extra,
  };
}

async function count(value: unknown): Promise<number> {
  const resolved = await value;
  return Array.isArray(resolved) ? resolved.length : Number(resolved);
}

describe.skipIf(!available)('against the Dropbox emulator', () => {
  it('OAuth: consent, code, token, a call, expiry, refresh, revoke', async () => {
    const tokens = await authorized();
    expect(tokens.refreshToken).toBeTruthy();
    const store = new TokenStore(stateDir, env);
    await store.save('emu', tokens);

    const events: DropboxEvent[] = [];
    const dropbox = createDropboxDestination('emu', config(), {
      stateDir,
      env,
      onEvent: (e) => events.push(e),
    });
    const account = await dropbox.account();
    expect(account.accountId).toMatch(/^dbid:/);

    const first = await dropbox.deliver('/OAuth/a.txt', Readable.from([Buffer.from('hello')]), {
      conflict: 'overwrite',
      skipUnchanged: false,
      sharedLink: false,
    });
    expect(first.contentHash).toBe(
      '9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50',
    );

    emu.expireAccessTokens();
    await dropbox.deliver('/OAuth/b.txt', Readable.from([Buffer.from('again')]), {
      conflict: 'overwrite',
      skipUnchanged: false,
      sharedLink: false,
    });
    expect(emu.stats().refreshes).toBe(1);
    expect(events.filter((e) => e.type === 'refresh')).toHaveLength(1);
    expect((await store.load('emu'))!.accessToken).not.toBe(tokens.accessToken);

    await dropbox.revoke();
    expect(await store.load('emu')).toBeUndefined();
    // The revoked refresh token is refused too.
    await store.save('emu', { ...tokens, expiresAt: 0 });
    const again = createDropboxDestination('emu', config(), { stateDir, env });
    await expect(again.account()).rejects.toMatchObject({ code: 'DROPBOX_REAUTH_REQUIRED' });
  });

  it('OAuth with the app secret (HTTP Basic) and bidrop’s default redirect URI works too', async () => {
    let redirect = '';
    const tokens = await authorized(
      emu.demoApp.secret,
      (u) => (redirect = u.searchParams.get('redirect_uri')!),
      null,
    );
    expect(tokens.accessToken).toBeTruthy();
    expect(redirect).toMatch(/^http:\/\/localhost:\d+\/oauth\/callback$/);
  });

  it('a state mismatch is refused', async () => {
    await expect(
      authorized(undefined, (u) => u.searchParams.set('state', 'not-what-bidrop-sent')),
    ).rejects.toMatchObject({
      code: 'DROPBOX_STATE_MISMATCH',
    });
  });

  it('a PKCE mismatch is refused', async () => {
    const error = await authorized(undefined, (u) =>
      u.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DROPBOX_PKCE_MISMATCH', endpoint: '/oauth2/token' });
    expect(emu.stats().tokensIssued).toBe(0);
  });

  it('a denied consent is refused', async () => {
    const redirectUri = loopbackRedirect();
    await expect(
      authorize({
        appKey: emu.demoApp.key,
        endpoints: endpoints(),
        timeoutMs: 10_000,
        ...(redirectUri && { redirectUri }),
        openUrl: (url) => consent(url, 'deny'),
      }),
    ).rejects.toMatchObject({ code: 'DROPBOX_CONSENT_DENIED' });
  });

  it('a ~20 MiB stream in 4 MiB chunks through 429s, 5xx and dropped connections arrives once, whole', async () => {
    await new TokenStore(stateDir, env).save('emu', await authorized());
    const events: DropboxEvent[] = [];
    const delays: number[] = [];
    // Once the session has started: a 429, then a 5xx, then a dropped connection, each on the
    // retry of the one before (deterministic), then a background of random faults.
    const plan = [
      { rate429: 1, retryAfterSec: 2 },
      { rate5xx: 1 },
      { dropRate: 1 },
      { rate429: 0.1, retryAfterSec: 1, rate5xx: 0.05, dropRate: 0.05 },
    ];
    let step = 0;
    const advance = (): void =>
      emu.setFaults({ rate429: 0, rate5xx: 0, dropRate: 0, ...plan[step++] });
    const dropbox = createDropboxDestination('emu', config({ chunkSizeMiB: 4 }), {
      stateDir,
      env,
      onEvent: (e) => {
        events.push(e);
        if (
          (e.type === 'chunk' && e.offset === 0) ||
          (e.type === 'retry' && step > 0 && step < plan.length)
        )
          advance();
      },
      retry: { ...fastRetry, retries: 12 },
      sleep: async (ms) => void delays.push(ms),
    });

    const data = bytes(20 * 1024 * 1024 + 12_345, 42);
    const pieces: Buffer[] = [];
    for (let i = 0; i < data.length; i += 1_000_000) pieces.push(data.subarray(i, i + 1_000_000));
    const delivered = await dropbox.deliver('/Big/report.pdf', Readable.from(pieces), {
      conflict: 'overwrite',
      skipUnchanged: false,
      sharedLink: false,
    });
    emu.setFaults({ rate429: 0, rate5xx: 0, dropRate: 0 });

    expect(delivered.contentHash).toBe(referenceHash(data));
    expect(delivered.bytes).toBe(data.length);
    expect(await count(emu.revisions('/Big/report.pdf'))).toBe(1);
    const stored = (await emu.readFile('/Big/report.pdf')) as Buffer;
    expect(Buffer.from(stored).equals(data)).toBe(true);
    expect(events.filter((e) => e.type === 'chunk').length).toBe(6);

    const reasons = events.flatMap((e) => (e.type === 'retry' ? [e.reason] : []));
    expect(reasons.slice(0, 3)).toEqual([
      expect.stringContaining('DROPBOX_RATE_LIMITED'),
      expect.stringContaining('DROPBOX_SERVER_ERROR'),
      expect.stringContaining('NETWORK_ERROR'),
    ]);
    expect(delays[0]).toBe(2000); // Retry-After honoured exactly
  });

  it('Unicode names, skipUnchanged, conflict policies and shared links behave as against Dropbox', async () => {
    await new TokenStore(stateDir, env).save('emu', await authorized());
    const dropbox = createDropboxDestination('emu', config({ chunkSizeMiB: 4 }), { stateDir, env });
    const options = { conflict: 'overwrite', skipUnchanged: true, sharedLink: true } as const;
    const target = '/Berichte/Résumé ✓ 😀.pdf';
    const data = bytes(5 * 1024 * 1024, 8);

    const first = await dropbox.deliver(target, Readable.from([data]), options);
    expect(first).toMatchObject({
      status: 'delivered',
      path: target,
      contentHash: referenceHash(data),
    });
    expect(first.link).toBeTruthy();

    const second = await dropbox.deliver(target, Readable.from([data]), options);
    expect(second).toMatchObject({
      status: 'unchanged',
      revision: first.revision,
      link: first.link,
    });
    expect(await count(emu.revisions(target))).toBe(1);

    const other = bytes(1000, 9);
    const renamed = await dropbox.deliver(target, Readable.from([other]), {
      ...options,
      conflict: 'add',
      skipUnchanged: false,
    });
    expect(renamed.path).not.toBe(target);
    expect(renamed.path.startsWith('/Berichte/Résumé ✓ 😀 (')).toBe(true);
    await expect(
      dropbox.deliver(target, Readable.from([other]), {
        ...options,
        conflict: 'fail',
        skipUnchanged: false,
      }),
    ).rejects.toMatchObject({ code: 'DROPBOX_CONFLICT' });
  });

  it('`bidrop auth dropbox` with the loopback redirect, then `auth status`', async () => {
    const yaml = path.join(stateDir, 'bidrop.yaml');
    await writeFile(
      yaml,
      [
        'destinations:',
        '  emu:',
        '    type: dropbox',
        `    appKey: "${emu.demoApp.key}"`,
        `    endpoints: { authorize: "${emu.url}", api: "${emu.url}", content: "${emu.url}" }`,
        '',
      ].join('\n'),
    );
    let consented = false;
    // A display, but no browser opener on PATH: the CLI prints the URL and waits on loopback.
    const auth = await runCli(
      ['--config', yaml, 'auth', 'dropbox'],
      stateDir,
      { DISPLAY: ':0', PATH: '/nonexistent' },
      (text) => {
        const url = /(http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+)/.exec(text)?.[1];
        if (url && !consented) {
          consented = true;
          void consent(url);
        }
      },
    );
    expect(auth.code).toBe(0);
    expect(auth.stderr).toContain('Opening the browser');
    expect(auth.stdout).toMatch(/^Authorised .+ for destination emu\.$/m);

    const status = await runCli(['--config', yaml, 'auth', 'status'], stateDir);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/emu\s+\S.*valid until/);
  });

  it('a debug-level run leaves no token and no app secret in events, errors, output or the state folder', async () => {
    const tokens = await authorized(emu.demoApp.secret);
    const store = new TokenStore(stateDir, env);
    await store.save('emu', tokens);

    const events: DropboxEvent[] = [];
    const dropbox = createDropboxDestination('emu', config({ appSecret: emu.demoApp.secret }), {
      stateDir,
      env,
      onEvent: (e) => events.push(e),
    });
    await dropbox.deliver('/S/a.pdf', Readable.from([bytes(1000)]), {
      conflict: 'overwrite',
      skipUnchanged: false,
      sharedLink: true,
    });
    emu.expireAccessTokens();
    await dropbox.deliver('/S/b.pdf', Readable.from([bytes(1000, 2)]), {
      conflict: 'overwrite',
      skipUnchanged: false,
      sharedLink: false,
    });
    const errors: unknown[] = [];
    await dropbox.deliver('/S/c.pdf', Readable.from([bytes(10)]), {
      conflict: 'overwrite',
      skipUnchanged: false,
      sharedLink: false,
    });
    await dropbox
      .deliver('/S/c.pdf', Readable.from([bytes(11)]), {
        conflict: 'fail',
        skipUnchanged: false,
        sharedLink: false,
      })
      .catch((e: unknown) => errors.push(e));
    expect(errors).toHaveLength(1);

    // The CLI at debug level, against the same state folder.
    const yaml = path.join(stateDir, 'bidrop.yaml');
    await writeFile(
      yaml,
      [
        'destinations:',
        '  emu:',
        '    type: dropbox',
        `    appKey: "${emu.demoApp.key}"`,
        `    appSecret: "${emu.demoApp.secret}"`,
        `    endpoints: { authorize: "${emu.url}", api: "${emu.url}", content: "${emu.url}" }`,
        '',
      ].join('\n'),
    );
    const file = path.join(tmpdir(), `bidrop-emu-upload-${process.pid}.bin`);
    await writeFile(file, bytes(3000, 3));
    emu.expireAccessTokens();
    const output = await runCli(
      ['--debug', '--config', yaml, 'upload', file, 'emu:/S/cli.bin', '--shared-link'],
      stateDir,
    );
    await rm(file, { force: true });
    expect(output.code).toBe(0);

    const latest = (await store.load('emu'))!;
    const secrets = [
      tokens.accessToken,
      tokens.refreshToken!,
      latest.accessToken,
      emu.demoApp.secret,
    ];
    const stateFiles = await readdir(stateDir, { recursive: true });
    const stateTexts = await Promise.all(
      stateFiles.map((f) => readFile(path.join(stateDir, String(f)), 'utf8').catch(() => '')),
    );
    const haystacks = [
      JSON.stringify(events),
      ...errors.map((e) => `${String(e)} ${JSON.stringify(e)} ${(e as Error).stack ?? ''}`),
      output.stdout,
      output.stderr,
      ...stateTexts.filter((_, i) => !String(stateFiles[i]).endsWith('bidrop.yaml')),
    ];
    for (const secret of secrets) {
      for (const text of haystacks) expect(text.includes(secret)).toBe(false);
    }
    expect(output.stderr).toContain('dropbox: request');
  });
});

function runCli(
  args: string[],
  home: string,
  extraEnv: NodeJS.ProcessEnv = {},
  onStderr?: (text: string) => void,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve('bin/bidrop.js'), ...args], {
      env: { ...process.env, ...env, BIDROP_HOME: home, ...extraEnv },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
