import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { TokenStore, type StoredTokens } from '../../src/dropbox/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bidrop-tokens-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const tokens: StoredTokens = {
  accessToken: 'sl.u.AbX9y6Fe3AuH5o66-gmJpR032jwAwQPIVVzWXZNkdzc',
  refreshToken: 'refresh-XYZ-very-secret-123456',
  expiresAt: 1_900_000_000_000,
  accountId: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
  email: 'franz@example.com',
};

describe('token store', () => {
  it('round-trips, encrypted, with 0600 files and no plaintext token on disk', async () => {
    const store = new TokenStore(dir, {});
    await store.save('team', tokens);
    expect(await store.load('team')).toEqual(tokens);

    const file = store.fileOf('team');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(tokens.accessToken);
    expect(text).not.toContain(tokens.refreshToken);
    expect(text).not.toContain('franz@example.com');
    expect(JSON.parse(text)).toMatchObject({ v: 1, alg: 'aes-256-gcm' });
    expect((await readdir(path.dirname(file))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('uses BIDROP_SECRET_KEY when set, and a wrong key cannot decrypt', async () => {
    const withKey = new TokenStore(dir, { BIDROP_SECRET_KEY: 'a long passphrase nobody guesses' });
    await withKey.save('team', tokens);
    await expect(readdir(dir)).resolves.not.toContain('secret.key');

    expect(
      await new TokenStore(dir, { BIDROP_SECRET_KEY: 'a long passphrase nobody guesses' }).load(
        'team',
      ),
    ).toEqual(tokens);
    await expect(
      new TokenStore(dir, { BIDROP_SECRET_KEY: 'another passphrase' }).load('team'),
    ).rejects.toMatchObject({
      code: 'DROPBOX_TOKEN_STORE_UNREADABLE',
      hint: expect.stringContaining('bidrop auth dropbox --destination team'),
    });
  });

  it('a file moved to another destination’s name does not decrypt (bound to the name)', async () => {
    const store = new TokenStore(dir, {});
    await store.save('team', tokens);
    await writeFile(store.fileOf('other'), await readFile(store.fileOf('team')));
    await expect(store.load('other')).rejects.toMatchObject({
      code: 'DROPBOX_TOKEN_STORE_UNREADABLE',
    });
  });

  it('a tampered file is refused', async () => {
    const store = new TokenStore(dir, {});
    await store.save('team', tokens);
    const sealed = JSON.parse(await readFile(store.fileOf('team'), 'utf8')) as { data: string };
    const data = Buffer.from(sealed.data, 'base64');
    data[0] = data[0]! ^ 1;
    await writeFile(
      store.fileOf('team'),
      JSON.stringify({ ...sealed, data: data.toString('base64') }),
    );
    await expect(store.load('team')).rejects.toMatchObject({
      code: 'DROPBOX_TOKEN_STORE_UNREADABLE',
    });
  });

  it('load of an unknown destination is undefined; remove forgets; odd names get a hashed file name', async () => {
    const store = new TokenStore(dir, {});
    expect(await store.load('nobody')).toBeUndefined();
    await store.save('../evil name', tokens);
    expect(path.basename(store.fileOf('../evil name'))).toMatch(/^dropbox-[0-9a-f]{32}\.json$/);
    expect(await store.load('../evil name')).toEqual(tokens);
    await store.remove('../evil name');
    expect(await store.load('../evil name')).toBeUndefined();
  });

  it('two stores racing to create the key end with one key', async () => {
    const [a, b] = [new TokenStore(dir, {}), new TokenStore(dir, {})];
    await Promise.all([a.save('one', tokens), b.save('two', tokens)]);
    expect(await new TokenStore(dir, {}).load('one')).toEqual(tokens);
    expect(await new TokenStore(dir, {}).load('two')).toEqual(tokens);
  });
});
