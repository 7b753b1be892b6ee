import { afterEach, describe, expect, it } from 'vitest';

import { bytes, deliverDefaults, env, harness, streamOf, type Harness } from './setup.js';
import { TokenStore } from '../../src/dropbox/index.js';

let h: Harness;
afterEach(() => h?.cleanup());

describe('access token refresh', () => {
  it('20 concurrent uploads with an expiring token cause one refresh', async () => {
    h = await harness({ tokens: { expiresAt: Date.now() + 60_000 }, concurrency: 20 });
    h.fake.expired.add('sl.initial-access-token-0001');
    const uploads = Array.from({ length: 20 }, (_, i) =>
      h.destination.deliver(`/many/${i}.pdf`, streamOf(bytes(1000, i + 1)), deliverDefaults),
    );
    const results = await Promise.all(uploads);

    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    expect(h.fake.refreshes).toBe(1);
    expect(h.events.filter((e) => e.type === 'refresh')).toHaveLength(1);
    const saved = await h.store.load('team');
    expect(saved!.accessToken).toMatch(/^sl\.fake-access-/);
    expect(saved!.refreshToken).toBe(h.fake.refreshToken);
    expect(saved!.expiresAt).toBeGreaterThan(Date.now() + 3_600_000);
  });

  it('20 concurrent calls answered expired_access_token cause one refresh, then succeed', async () => {
    // The token looks valid locally; Dropbox says otherwise (clock skew, early revocation of the token).
    h = await harness({ concurrency: 20 });
    h.fake.expired.add('sl.initial-access-token-0001');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.destination.deliver(`/x/${i}.pdf`, streamOf(bytes(100, i + 1)), deliverDefaults),
      ),
    );
    expect(h.fake.refreshes).toBe(1);
    expect(h.events.find((e) => e.type === 'refresh')).toMatchObject({
      reason: 'expired_access_token',
    });
  });

  it('re-reads the store first: another process’s fresh token is used, no refresh', async () => {
    h = await harness();
    await h.destination.deliver('/first.pdf', streamOf(bytes(10)), deliverDefaults);

    // Another process refreshed meanwhile; Dropbox now calls the token held in memory expired.
    h.fake.accessTokens.add('sl.refreshed-by-another-process');
    h.fake.expired.add('sl.initial-access-token-0001');
    await new TokenStore(h.stateDir, env).save('team', {
      accessToken: 'sl.refreshed-by-another-process',
      refreshToken: h.fake.refreshToken,
      expiresAt: Date.now() + 3_600_000,
    });
    await h.destination.deliver('/second.pdf', streamOf(bytes(10)), deliverDefaults);

    expect(h.fake.refreshes).toBe(0);
    expect(h.fake.calls.map((c) => c.headers.authorization)).toEqual([
      'Bearer sl.initial-access-token-0001',
      'Bearer sl.initial-access-token-0001',
      'Bearer sl.refreshed-by-another-process',
    ]);
  });

  it('a token endpoint that fails with 5xx is retried, still one refresh', async () => {
    h = await harness({ tokens: { expiresAt: 0 } });
    h.fake.intercept = (call) =>
      call.route === '/oauth2/token' && call.n === 1 ? { status: 503, text: 'busy' } : undefined;
    await h.destination.deliver('/t.pdf', streamOf(bytes(10)), deliverDefaults);
    expect(h.fake.count('/oauth2/token')).toBe(2);
    expect(h.fake.refreshes).toBe(1);
    expect(h.events).toContainEqual(
      expect.objectContaining({
        type: 'retry',
        route: '/oauth2/token',
        reason: 'DROPBOX_SERVER_ERROR',
      }),
    );
    expect(h.events).toContainEqual({
      type: 'request',
      route: '/oauth2/token',
      status: 200,
      ms: expect.any(Number),
    });
  });

  it('a revoked refresh token ends with the command to run', async () => {
    h = await harness({ tokens: { expiresAt: Date.now() - 1000 } });
    h.fake.refreshRevoked = true;
    const error = await h.destination
      .deliver('/r.pdf', streamOf(bytes(10)), deliverDefaults)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DROPBOX_REAUTH_REQUIRED', endpoint: '/oauth2/token' });
    expect((error as { hint: string }).hint).toContain('bidrop auth dropbox --destination team');
    expect(h.fake.count('/oauth2/token')).toBe(1);
  });

  it('a destination never authorised says so', async () => {
    h = await harness();
    await h.store.remove('team');
    await expect(
      h.destination.deliver('/n.pdf', streamOf(bytes(10)), deliverDefaults),
    ).rejects.toMatchObject({
      code: 'DROPBOX_NOT_AUTHORIZED',
      hint: 'Run `bidrop auth dropbox --destination team`.',
    });
  });

  it('refreshes with HTTP Basic when the app secret is configured, with client_id only otherwise', async () => {
    h = await harness({ tokens: { expiresAt: 0 }, appSecret: 'app-secret-value' });
    await h.destination.deliver('/b.pdf', streamOf(bytes(10)), deliverDefaults);
    const basic = h.fake.lastTokenRequest!;
    expect(basic.authorization).toBe(
      `Basic ${Buffer.from('test-app-key:app-secret-value').toString('base64')}`,
    );
    expect(basic.params.get('client_secret')).toBeNull();
    expect(basic.params.get('grant_type')).toBe('refresh_token');
    await h.cleanup();

    h = await harness({ tokens: { expiresAt: 0 } });
    await h.destination.deliver('/p.pdf', streamOf(bytes(10)), deliverDefaults);
    expect(h.fake.lastTokenRequest!.authorization).toBeUndefined();
    expect(h.fake.lastTokenRequest!.params.get('client_id')).toBe('test-app-key');
  });
});
