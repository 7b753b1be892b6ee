import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { openHistory } from '../../src/store/index.js';
import { runCli } from '../bi/run-cli.js';

let dir: string;
let env: Record<string, string>;
let runIds: number[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bidrop-history-cli-'));
  await writeFile(
    path.join(dir, 'bidrop.yaml'),
    'destinations:\n  out:\n    type: folder\n    path: ./out\n',
  );
  env = { BIDROP_HOME: path.join(dir, 'state') };
  const history = openHistory(env.BIDROP_HOME!);
  runIds = ['daily', 'weekly', 'daily'].map((p) =>
    history.startRun(p, new Date('2026-01-02T03:04:05Z')),
  );
  history.recordPlan(runIds[2]!, [
    {
      key: 'a',
      documentId: 1,
      document: 'Sales',
      report: 'Tab',
      format: 'pdf',
      prompts: { Region: 'EMEA' },
      target: '/a.pdf',
    },
    {
      key: 'b',
      documentId: 2,
      document: 'Stock',
      report: null,
      format: 'csv',
      prompts: {},
      target: '/b.csv',
    },
  ]);
  history.endDelivery(runIds[2]!, 'a', {
    status: 'delivered',
    path: '/a.pdf',
    bytes: 3000,
    contentHash: 'h',
    link: 'https://l/1',
  });
  history.endDelivery(runIds[2]!, 'b', {
    status: 'failed',
    errorCode: 'BI_EXPORT_FAILED',
    errorMessage: 'refused',
  });
  history.finishRun(runIds[2]!, 'failed');
  history.finishRun(runIds[1]!, 'succeeded');
  history.finishRun(runIds[0]!, 'succeeded');
  history.close();
});

describe('bidrop history', () => {
  it('lists runs newest first, for one publication, limited by -n', async () => {
    const all = await runCli(['history'], env, dir);
    const daily = await runCli(['history', 'daily', '-n', '1', '--json'], env, dir);

    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run\s+publication\s+started\s+duration\s+status\s+delivered/);
    expect(lines.slice(2).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      `${runIds[2]} daily`,
      `${runIds[1]} weekly`,
      `${runIds[0]} daily`,
    ]);
    const rows = daily.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; failed: number });
    expect(rows.map((r) => [r.id, r.failed])).toEqual([[runIds[2], 1]]);
  });

  it('shows one run with its deliveries', async () => {
    const result = await runCli(['history', '--run', String(runIds[2])], env, dir);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`run ${runIds[2]} of daily: failed`);
    expect(result.stdout).toMatch(
      /Sales\s+Tab\s+pdf\s+Region=EMEA\s+\/a\.pdf\s+delivered\s+2\.9 KiB\s+0\s+https:\/\/l\/1/,
    );
    expect(result.stdout).toMatch(/Stock\s+csv\s+\/b\.csv\s+failed.*BI_EXPORT_FAILED: refused/);
  });

  it('exits 2 for an unknown run or a bad -n', async () => {
    const unknown = await runCli(['history', '--run', '999'], env, dir);
    const badLimit = await runCli(['history', '-n', 'zero'], env, dir);

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('USAGE_UNKNOWN_RUN');
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('USAGE_BAD_LIMIT');
  });
});
