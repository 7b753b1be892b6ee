/**
 * Dropbox access tokens that expire during a run: deliveries go on, and the token endpoint sees
 * one refresh per expiry, however many uploads were in flight when it happened.
 */
import { afterEach, expect, it } from 'vitest';

import { authorizeDropbox, runInProcess, startWorld, writeConfig, type World } from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const publication = {
  generated: { documents: ['- folder: /Generated'], to: '/Expiry/{document}.{ext}' },
};

it('tokens revoked server-side every 5 deliveries: one refresh per expiry, all delivered', async () => {
  world = await startWorld({ bi: { generatedDocuments: 30, exportBytesPerSecond: 4000 } });
  await authorizeDropbox(world);
  const file = await writeConfig(world, { publications: publication });

  let ended = 0;
  let expiries = 0;
  const run = await runInProcess(world, file, 'generated', {
    onEvent: (event) => {
      if (event.type !== 'delivery-end') return;
      ended++;
      // Never after the last ones: an expiry no call ever meets needs no refresh.
      if (ended % 5 === 0 && ended < 30) {
        world!.dropbox.expireAccessTokens();
        expiries++;
      }
    },
  });

  expect(run.result.status).toBe('succeeded');
  expect(run.result.counts.delivered).toBe(30);
  expect(expiries).toBe(5);
  expect(world.dropbox.stats().refreshes).toBe(expiries);
  const refreshes = run.dropboxEvents.filter((e) => e.type === 'refresh');
  expect(refreshes.map((e) => e.type === 'refresh' && e.reason)).toEqual(
    Array(expiries).fill('expired_access_token'),
  );
}, 60_000);

it('tokens that live 2 s: about one refresh per lifetime, not one per upload', async () => {
  const lifetimeSec = 2;
  world = await startWorld({
    bi: { generatedDocuments: 30, exportBytesPerSecond: 1000 },
    dropbox: { accessTokenLifetimeSec: lifetimeSec },
  });
  const authorized = Date.now();
  await authorizeDropbox(world);
  const file = await writeConfig(world, { publications: publication });

  const run = await runInProcess(world, file, 'generated');
  const lifetimes = Math.ceil((Date.now() - authorized) / (lifetimeSec * 1000));

  expect(run.result.status).toBe('succeeded');
  expect(run.result.counts.delivered).toBe(30);
  const uploads = world.dropbox.stats().requests['/2/files/upload'] ?? 0;
  expect(uploads).toBe(30);
  // About one refresh per lifetime that ran out. Refreshing ahead of the expiry is fine, so up to
  // two per lifetime pass; one per upload (30) does not.
  const refreshes = world.dropbox.stats().refreshes;
  expect(refreshes).toBeGreaterThanOrEqual(1);
  expect(
    refreshes,
    `${refreshes} refreshes for ${uploads} uploads in ${lifetimes} lifetimes`,
  ).toBeLessThanOrEqual(2 * lifetimes);
}, 60_000);
