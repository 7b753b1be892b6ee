/**
 * Everything at debug level, through retries, a token refresh and failing deliveries; then every
 * log line, every printed error, every history row and every byte of the state folder is searched
 * for the BI password, the app secret, the Dropbox access and refresh tokens and the BI logon
 * tokens. None may be found.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';

import { TokenStore } from '../../src/dropbox/index.js';
import {
  authorizeDropbox,
  DESTINATION,
  runCli,
  startBiProxy,
  startCli,
  startWorld,
  writeConfig,
  type BiProxy,
  type World,
} from './helpers.js';

let world: World | undefined;
let proxy: BiProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await world?.close();
  world = proxy = undefined;
});

it('no secret in any log line, error, history row or state file of a debug-level run', async () => {
  world = await startWorld({ bi: { generatedDocuments: 8, exportBytesPerSecond: 3000 } });
  proxy = await startBiProxy(world.bi.url);
  world.env.FAULTS_BI_URL = proxy.url;
  const initial = await authorizeDropbox(world);
  const config = await writeConfig(world, {
    sessions: 2,
    publications: {
      generated: { documents: ['- folder: /Generated'], to: '/Secrets/{document}.{ext}' },
    },
  });
  // Retries are logged with the call that failed: their lines must be clean too.
  world.bi.setFaults({ serverErrorRate: 0.15 });
  world.dropbox.setFaults({ rate429: 0.1, retryAfterSec: 0, rate5xx: 0.1 });

  // Midway, the access token expires (a refresh sends the refresh token), then the account
  // fills up (deliveries fail, with error rows and error messages).
  const dropbox = world.dropbox;
  const cli = startCli(world, ['--debug', '--config', config, 'run', 'generated']);
  const timeline = setInterval(() => {
    const stored = dropbox.listFiles().length;
    if (stored >= 2 && dropbox.stats().refreshes === 0) dropbox.expireAccessTokens();
    if (stored >= 5) {
      dropbox.setQuota(dropbox.stats().bytesStored);
      clearInterval(timeline);
    }
  }, 5);
  const run = await cli.done;
  clearInterval(timeline);
  dropbox.setFaults({});

  const wrongPassword = `wrong-${world.secrets.biPassword.split('').reverse().join('')}`;
  const outputs = [
    run,
    await runCli(world, ['--debug', '--json-logs', '--config', config, 'run', 'generated']),
    await runCli(world, ['--debug', '--config', config, 'history', '--run', '1']),
    await runCli(world, ['--debug', '--config', config, 'history', '--json']),
    await runCli(world, ['--debug', '--config', config, 'auth', 'status']),
    // A refused logon: the password that was refused must not be echoed either.
    await runCli(world, ['--debug', '--config', config, 'run', 'generated'], {
      FAULTS_BI_PASSWORD: wrongPassword,
    }),
  ];

  // The run went through what it had to, or the search below proves little.
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr).toMatch(/^debug: /m);
  expect(run.stderr).toMatch(/DROPBOX_INSUFFICIENT_SPACE/);
  expect(world.dropbox.stats().refreshes).toBeGreaterThanOrEqual(1);
  expect(proxy.logonTokens.size).toBeGreaterThanOrEqual(1);
  expect(outputs.at(-1)!.stderr).toMatch(/BI_LOGON_FAILED|Account information not recognized/);

  const final = await new TokenStore(world.stateDir, world.env).load(DESTINATION);
  const { appKey, appSecret, biPassword } = world.secrets;
  const secrets: Record<string, string> = {
    'BI password': biPassword,
    'refused BI password': wrongPassword,
    'app secret': appSecret,
    'app key:secret in Basic': Buffer.from(`${appKey}:${appSecret}`).toString('base64'),
    'first access token': initial.accessToken,
    'refresh token': initial.refreshToken!,
    'last access token': final!.accessToken,
  };
  for (const [i, token] of [...proxy.logonTokens].entries()) {
    secrets[`BI logon token ${i + 1}`] = token;
    secrets[`BI logon token ${i + 1}, URL-encoded`] = encodeURIComponent(token);
    // The random part alone, however the rest was escaped.
    secrets[`BI logon token ${i + 1}, its secret part`] = /&([^&}]+)\}?$/.exec(token)![1]!;
  }
  expect(final!.accessToken).not.toBe(initial.accessToken);

  const haystacks: Record<string, Buffer> = {};
  outputs.forEach((o, i) => {
    haystacks[`command ${i + 1} stdout`] = Buffer.from(o.stdout);
    haystacks[`command ${i + 1} stderr`] = Buffer.from(o.stderr);
  });
  Object.assign(haystacks, historyRows(world.stateDir), await stateFiles(world.stateDir));
  expect(Object.keys(haystacks).some((k) => k.startsWith('history row deliveries'))).toBe(true);

  const found: string[] = [];
  for (const [what, secret] of Object.entries(secrets)) {
    for (const [where, bytes] of Object.entries(haystacks)) {
      if (bytes.includes(secret)) found.push(`${what} in ${where}`);
    }
  }
  expect(found).toEqual([]);
}, 90_000);

/** Every row of every table of history.db, one haystack per row. */
function historyRows(stateDir: string): Record<string, Buffer> {
  const db = new Database(path.join(stateDir, 'history.db'), { readonly: true });
  try {
    const out: Record<string, Buffer> = {};
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`)
      .all() as Array<{ name: string }>;
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM "${name}"`).all();
      rows.forEach(
        (row, i) => (out[`history row ${name} #${i + 1}`] = Buffer.from(JSON.stringify(row))),
      );
    }
    return out;
  } finally {
    db.close();
  }
}

/** The raw bytes of every file in the state folder (database, WAL, token files, spool). */
async function stateFiles(stateDir: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const entry of await readdir(stateDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[`state file ${path.relative(stateDir, file)}`] = await readFile(file);
  }
  return out;
}
