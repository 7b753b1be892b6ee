import { afterEach, describe, expect, it } from 'vitest';

import { bytes, deliverDefaults, harness, streamOf, type Harness } from './setup.js';

let h: Harness;
afterEach(() => h?.cleanup());

describe('account and revoke', () => {
  it('reads the account behind the token', async () => {
    h = await harness();
    expect(await h.destination.account()).toEqual({
      accountId: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
      email: 'franz@example.com',
      name: 'Franz Ferdinand (Personal)',
    });
    // A Void route: no body, no Content-Type (§3.1).
    const call = h.fake.calls.at(-1)!;
    expect(call.body.length).toBe(0);
    expect(call.headers['content-type']).toBeUndefined();
  });

  it('revoke calls Dropbox, forgets the tokens, and later calls say to authorise', async () => {
    h = await harness();
    await h.destination.revoke();
    expect(h.fake.count('/2/auth/token/revoke')).toBe(1);
    expect(await h.store.load('team')).toBeUndefined();
    await expect(
      h.destination.deliver('/x.pdf', streamOf(bytes(1)), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_NOT_AUTHORIZED',
    });
  });

  it('revoking tokens Dropbox already refuses still forgets them', async () => {
    h = await harness();
    h.fake.accessTokens.clear();
    await h.destination.revoke();
    expect(await h.store.load('team')).toBeUndefined();
  });

  it('a revoked token on a call is DROPBOX_INVALID_TOKEN naming the command', async () => {
    h = await harness();
    h.fake.accessTokens.clear();
    await expect(
      h.destination.deliver('/x.pdf', streamOf(bytes(1)), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_INVALID_TOKEN',
      status: 401,
      hint: 'Run `bidrop auth dropbox --destination team` to authorise again.',
    });
  });
});
