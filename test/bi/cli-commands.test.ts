import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFakeBi, type FakeBi } from './fake-bi.js';
import { installFakeDocument } from './fake-document.js';
import { runCli } from './run-cli.js';

let fake: FakeBi;
let dir: string;
let env: Record<string, string>;

beforeEach(async () => {
  fake = await startFakeBi();
  installFakeDocument(fake);
  dir = await mkdtemp(path.join(tmpdir(), 'bidrop-bi-cli-'));
  env = {
    BIDROP_BI_URL: fake.url,
    BIDROP_BI_USER: 'Administrator',
    BIDROP_BI_PASSWORD: 'Secret-Pass-1',
  };
});

afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('bidrop docs and export (against a fake BI platform)', () => {
  it('export writes the file, answers repeated --prompt flags, and logs off', async () => {
    const out = path.join(dir, 'revenue.csv');
    const result = await runCli(
      [
        'export',
        '/Sales/Revenue',
        '--format',
        'csv',
        '--report',
        'Summary',
        '-p',
        'Country=France',
        '-p',
        'City=Paris',
        '-p',
        'City=Lyon',
        '-o',
        out,
      ],
      env,
      dir,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/revenue\.csv: \d+ bytes \(Revenue, csv, 42 rows\)/);
    expect(await readFile(out, 'utf8')).toBe(
      'report 1 {"Country":["France"],"City":["Paris","Lyon"]} chunk 0\n',
    );
    expect(await readdir(dir)).toEqual(['revenue.csv']);
    expect(fake.sessions.size).toBe(0);
  });

  it('a missing prompt answer is one clear line, exit 1, and no file', async () => {
    const out = path.join(dir, 'x.pdf');
    const result = await runCli(['export', '101', '-p', 'Country=Spain', '-o', out], env, dir);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^bidrop: BI_PROMPT_MISSING: Prompt "City" needs an answer/);
    expect(await readdir(dir)).toEqual([]);
    expect(fake.sessions.size).toBe(0);
  });

  it('--bi-password works with a warning and is never echoed', async () => {
    const { BIDROP_BI_PASSWORD: _, ...rest } = env;
    const result = await runCli(
      ['docs', '--folder', '/Sales', '--bi-password', 'Secret-Pass-1'],
      rest,
      dir,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: --bi-password is visible/);
    expect(result.stderr + result.stdout).not.toContain('Secret-Pass-1');
    expect(result.stdout).toMatch(/^ID\s+CUID\s+NAME\s+FOLDER\s+LAST REFRESH\n/);
    expect(result.stdout).toMatch(/101\s+DocRevenue1\s+Revenue\s+\/Sales\s+2026-12-01/);
  });

  it('docs --json prints the documents as JSON', async () => {
    const result = await runCli(['docs', '--folder', '/Sales', '--json'], env, dir);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        id: 101,
        cuid: 'DocRevenue1',
        name: 'Revenue',
        folder: '/Sales',
        updated: '2026-12-01T06:00:00.000Z',
      },
    ]);
  });

  it('a wrong password exits 1 with BI_LOGON_FAILED and no secret', async () => {
    const result = await runCli(['docs'], { ...env, BIDROP_BI_PASSWORD: 'Wrong-Pass-99' }, dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^bidrop: BI_LOGON_FAILED: .*\(POST \/logon\/long\)/);
    expect(result.stderr).not.toContain('Wrong-Pass-99');
  });

  it('a malformed --prompt is a usage error (exit 2)', async () => {
    const result = await runCli(
      ['export', '101', '-p', 'NoEquals', '-o', path.join(dir, 'x')],
      env,
      dir,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/USAGE_PROMPT/);
  });
});
