/**
 * Set-up shared by the instance and schedule tests: both emulators, an authorised Dropbox
 * destination, and a bidrop.yaml whose publications the test writes.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createBiSource } from '../../src/bi/index.js';
import { demoCredentials, startBiEmulator, type BiEmulator } from '../../src/emulators/bi/index.js';
import { startDropboxEmulator, type DropboxEmulator } from '../../src/emulators/dropbox/index.js';
import { authoriseDestination, secretEnv } from './dropbox-consent.js';

export interface Setup {
  bi: BiEmulator;
  dropbox: DropboxEmulator;
  dir: string;
  stateDir: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts both emulators and writes bidrop.yaml with `publications` (YAML, indented by 2). */
export async function setUp(
  publications: string,
  biOptions: Parameters<typeof startBiEmulator>[0] = {},
): Promise<Setup> {
  const bi = await startBiEmulator({ port: 0, ...biOptions });
  const dropbox = await startDropboxEmulator();
  const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-instances-'));
  const stateDir = path.join(dir, 'state');
  await authoriseDestination(dropbox, stateDir, 'team');
  await writeFile(
    path.join(dir, 'bidrop.yaml'),
    `bi:
  url: \${BI_URL}
  username: Administrator
  password: \${BI_PASSWORD}
  sessions: 2
destinations:
  team:
    type: dropbox
    appKey: ${dropbox.demoApp.key}
    endpoints: { authorize: "${dropbox.url}", api: "${dropbox.url}", content: "${dropbox.url}" }
publications:
${publications}`,
  );
  const env = {
    ...secretEnv,
    BI_URL: bi.url,
    BI_PASSWORD: demoCredentials.password,
    BIDROP_HOME: stateDir,
  };
  return {
    bi,
    dropbox,
    dir,
    stateDir,
    env,
    async close() {
      await bi.close();
      await dropbox.close();
    },
  };
}

/** The bytes of an object's newest successful instance (or its own file), read straight from BI. */
export async function instanceBytes(bi: BiEmulator, objectId: number): Promise<Buffer> {
  const source = createBiSource({
    url: bi.url,
    username: demoCredentials.username,
    password: demoCredentials.password,
    auth: demoCredentials.auth,
    sessions: 1,
  });
  try {
    const exported = await source.export({
      document: { kind: 'id', id: objectId },
      format: 'pdf',
      from: 'latest-instance',
    });
    try {
      return Buffer.concat(await exported.body.toArray());
    } finally {
      await exported.release();
    }
  } finally {
    await source.close();
  }
}
