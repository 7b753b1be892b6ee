import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createBiSource } from '../../src/bi/index.js';
import { demoCredentials, sampleDocuments, startBiEmulator } from '../../src/emulators/bi/index.js';
import { runCli, startCli } from './run-cli.js';

type Emulator = Awaited<ReturnType<typeof startBiEmulator>>;
let emulator: Emulator;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await startBiEmulator();
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bidrop-bi-emu-'));
  env = {
    BIDROP_BI_URL: emulator.url,
    BIDROP_BI_USER: demoCredentials.username,
    BIDROP_BI_PASSWORD: demoCredentials.password,
    BIDROP_BI_AUTH: demoCredentials.auth,
  };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  expect(emulator.stats().openSessions).toBe(0);
});

const plain = sampleDocuments.find((d) => (d.prompts?.length ?? 0) === 0) ?? sampleDocuments[0]!;
const prompted = sampleDocuments.find((d) => (d.prompts?.length ?? 0) > 0)!;

/**
 * One error line on stderr, `bidrop: CODE: ...`, last, after at most some back-off warnings; exit 1;
 * nothing left in the output folder.
 */
async function expectCleanFailure(result: { code: number | null; stderr: string }, code: string) {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(new RegExp(`^bidrop: ${code}: [^\n]+$`));
  expect(lines.slice(0, -1).every((line) => line.startsWith('warn: '))).toBe(true);
  expect(await readdir(dir)).toEqual([]);
}

describe('bidrop export against the BI emulator', () => {
  it('exports a document to a file and logs off', async () => {
    const out = path.join(dir, 'plain.xlsx');
    const result = await runCli(['export', String(plain.id), '-f', 'xlsx', '-o', out], env, dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await readdir(dir)).toEqual(['plain.xlsx']);
  });

  it('docs lists the documents: everything, by folder, and by CMS query', async () => {
    const all = await runCli(['docs'], env, dir);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^ID\s+CUID\s+NAME\s+FOLDER\s+LAST REFRESH\n/);
    for (const sample of sampleDocuments) {
      expect(all.stdout).toMatch(new RegExp(`${sample.cuid}.*\\d{4}-\\d\\d-\\d\\dT`));
    }

    const folder = await runCli(['docs', '--folder', plain.folder, '--json'], env, dir);
    expect(folder.code).toBe(0);
    const listed = JSON.parse(folder.stdout) as Array<{ id: number; folder: string }>;
    expect(listed.find((d) => d.id === plain.id)?.folder).toBe(plain.folder);

    const query = `SELECT SI_ID, SI_CUID, SI_NAME, SI_KIND FROM CI_INFOOBJECTS WHERE SI_KIND='Webi' AND SI_INSTANCE=0`;
    const queried = await runCli(['docs', '--query', query, '--json'], env, dir);
    expect(queried.code).toBe(0);
    const ids = (JSON.parse(queried.stdout) as Array<{ id: number }>).map((d) => d.id);
    for (const sample of sampleDocuments) expect(ids).toContain(sample.id);
  });

  it('a wrong password', async () => {
    const result = await runCli(
      ['export', String(plain.id), '-o', path.join(dir, 'x.pdf')],
      { ...env, BIDROP_BI_PASSWORD: 'Not-The-Password-1' },
      dir,
    );
    await expectCleanFailure(result, 'BI_LOGON_FAILED');
    expect(result.stderr).not.toContain('Not-The-Password-1');
  });

  it('an unknown document', async () => {
    const result = await runCli(['export', '987654', '-o', path.join(dir, 'x.pdf')], env, dir);
    await expectCleanFailure(result, 'BI_DOCUMENT_NOT_FOUND');
  });

  it('a missing prompt answer', async () => {
    const result = await runCli(
      ['export', String(prompted.id), '-o', path.join(dir, 'x.pdf')],
      env,
      dir,
    );
    await expectCleanFailure(result, 'BI_PROMPT_MISSING');
  });

  it('an exhausted session licence', async () => {
    const holder = createBiSource({ ...connectionFrom(env), sessions: 1 });
    await holder.resolveDocument({ kind: 'id', id: plain.id });
    emulator.setMaxSessions(1);
    try {
      await writeFile(
        path.join(dir, 'bidrop.yaml'),
        'bi:\n  url: ${BIDROP_BI_URL}\n  username: ${BIDROP_BI_USER}\n  password: ${BIDROP_BI_PASSWORD}\n  sessionWaitSeconds: 1\n',
      );
      const result = await runCli(
        ['export', String(plain.id), '-o', path.join(dir, 'x.pdf')],
        env,
        dir,
      );
      await rm(path.join(dir, 'bidrop.yaml'));
      await expectCleanFailure(result, 'BI_LICENCE_EXHAUSTED');
    } finally {
      emulator.setMaxSessions(1000);
      await holder.close();
    }
  });

  it('an unreachable server', async () => {
    const result = await runCli(
      ['export', String(plain.id), '-o', path.join(dir, 'x.pdf')],
      { ...env, BIDROP_BI_URL: 'http://127.0.0.1:9/biprws' },
      dir,
    );
    await expectCleanFailure(result, 'BI_UNREACHABLE');
    expect(result.stderr).toContain('127.0.0.1:9');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s during a slow export logs every session off and leaves no file',
    async (signal) => {
      const slow = await startBiEmulator({ exportBytesPerSecond: 2048 });
      try {
        const { child, done } = startCli(
          ['export', String(plain.id), '-f', 'pdf', '-o', path.join(dir, 'slow.pdf')],
          { ...env, BIDROP_BI_URL: slow.url },
          dir,
        );
        // The temporary file exists once bytes flow: the signal lands mid-body.
        await waitFor(async () => (await readdir(dir)).some((name) => name.endsWith('.part')));
        expect(slow.stats().openSessions).toBe(1);
        child.kill(signal);
        const result = await done;
        expect(result.code).toBe(130);
        expect(slow.stats().openSessions).toBe(0);
        expect(await readdir(dir)).toEqual([]);
      } finally {
        await slow.close();
      }
    },
  );
});

function connectionFrom(vars: Record<string, string>) {
  return {
    url: vars.BIDROP_BI_URL!,
    username: vars.BIDROP_BI_USER!,
    password: vars.BIDROP_BI_PASSWORD!,
    auth: demoCredentials.auth,
    sessions: 1,
  };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
