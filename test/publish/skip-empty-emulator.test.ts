import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { demoCredentials, startBiEmulator, type BiEmulator } from '../../src/emulators/bi/index.js';
import { runCli } from '../bi/run-cli.js';

let bi: BiEmulator;

beforeAll(async () => {
  bi = await startBiEmulator({ port: 0 });
});

afterAll(async () => {
  await bi.close();
});

it('skipEmpty delivers nothing for a report the BI platform refreshed without rows', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-empty-'));
  await writeFile(
    path.join(dir, 'bidrop.yaml'),
    `bi:
  url: \${BI_URL}
  username: Administrator
  password: \${BI_PASSWORD}
destinations:
  out:
    type: folder
    path: ./out
publications:
  headcount:
    documents:
      - id: 6004
    prompts:
      Region: [EMEA, Antarctica]
    skipEmpty: true
    to: out:/{document} {Region}.{ext}
`,
  );
  const env = {
    BI_URL: bi.url,
    BI_PASSWORD: demoCredentials.password,
    BIDROP_HOME: path.join(dir, 'state'),
  };

  const result = await runCli(['run', 'headcount'], env, dir);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('1 delivered, 0 unchanged, 1 empty of 2');
  expect(result.stdout).toMatch(
    /Regional Headcount\s+pdf\s+Region=Antarctica\s+\/Regional Headcount Antarctica\.pdf\s+empty/,
  );
  expect(await readdir(path.join(dir, 'out'))).toEqual(['Regional Headcount EMEA.pdf']);
});
