/** The benchmark authorises bidrop by playing the user on the Dropbox emulator's consent page. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { authorize, TokenStore } from '../../src/dropbox/index.js';
import { startDropboxEmulator, type DropboxEmulator } from '../../src/emulators/dropbox/index.js';

interface Auth {
  consent(url: string, decision?: string): Promise<void>;
  authoriseDropbox(options: {
    dropboxUrl: string;
    demoApp: { key: string; secret: string };
    stateDir: string;
    destination: string;
  }): Promise<{ accessToken: string }>;
}

const modulePath = '../../bench/lib/dropbox-auth.js';
const { authoriseDropbox, consent } = (await import(modulePath)) as Auth;

let emulator: DropboxEmulator;
let stateDir: string;

beforeAll(async () => {
  emulator = await startDropboxEmulator();
  stateDir = await mkdtemp(path.join(tmpdir(), 'bidrop-bench-consent-'));
});

afterAll(async () => {
  await emulator.close();
  await rm(stateDir, { recursive: true, force: true });
});

describe('bench consent driver', () => {
  it('allows, and the tokens land in the store', async () => {
    const tokens = await authoriseDropbox({
      dropboxUrl: emulator.url,
      demoApp: emulator.demoApp,
      stateDir,
      destination: 'bench',
    });

    expect(tokens.accessToken).toBeTruthy();
    expect((await new TokenStore(stateDir).load('bench'))?.accessToken).toBe(tokens.accessToken);
    expect(emulator.stats().tokensIssued).toBe(1);
  });

  it('denies with decision=deny', async () => {
    const attempt = authorize({
      appKey: emulator.demoApp.key,
      endpoints: { authorize: emulator.url, api: emulator.url, content: emulator.url },
      redirectUri: 'http://127.0.0.1:0/oauth/callback',
      openUrl: (url) => consent(url, 'deny'),
      timeoutMs: 10_000,
    });

    await expect(attempt).rejects.toMatchObject({ code: 'DROPBOX_CONSENT_DENIED' });
  });
});
