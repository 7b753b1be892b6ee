import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { demoCredentials, startBiEmulator, type BiEmulator } from '../../src/emulators/bi/index.js';
import { openHistory } from '../../src/store/index.js';
import { startCli } from '../bi/run-cli.js';

let bi: BiEmulator;

beforeAll(async () => {
  // Each export takes about two seconds, longer than the one-second schedule.
  bi = await startBiEmulator({ port: 0, exportBytesPerSecond: 14_000 });
});

afterAll(async () => {
  await bi.close();
});

const config = `bi:
  url: \${BI_URL}
  username: Administrator
  password: \${BI_PASSWORD}
destinations:
  out:
    type: folder
    path: ./out
publications:
  every-second:
    schedule: "* * * * * *"
    documents:
      - id: 6001
    prompts:
      Region: EMEA
      Product Line: Bikes
    to: out:/{document}.{ext}
  failing:
    schedule: "* * * * * *"
    documents:
      - id: 999999
    to: out:/{document}.{ext}
`;

describe('bidrop serve', () => {
  it('runs on schedule, one run at a time, survives failures, logs JSON, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-serve-'));
    await writeFile(path.join(dir, 'bidrop.yaml'), config);
    const env = {
      BI_URL: bi.url,
      BI_PASSWORD: demoCredentials.password,
      BIDROP_HOME: path.join(dir, 'state'),
      BIDROP_LOG_LEVEL: 'info',
    };
    const { child, done } = startCli(['serve'], env, dir);

    // Wait for what the test is about rather than a fixed time: slow machines start slower.
    let seen = '';
    child.stderr!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    const deadline = Date.now() + 20_000;
    const ready = (): boolean =>
      seen.includes('"msg":"run succeeded"') &&
      seen.includes('this tick is skipped') &&
      seen.split('"publication":"failing"').length > 3;
    while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const result = await done;

    expect(result.code).toBe(0);
    const logs = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; publication?: string; level: number });
    const messages = logs.map((l) => l.msg);
    expect(messages).toContain('scheduled');
    expect(
      messages.filter((m) => m === 'previous run still running; this tick is skipped').length,
    ).toBeGreaterThan(0);
    expect(
      logs.filter((l) => l.publication === 'failing' && l.msg.startsWith('run failed')).length,
    ).toBeGreaterThan(1);
    expect(messages.at(-1)).toBe('stopped');
    expect(result.stderr).not.toContain(demoCredentials.password);
    expect(bi.stats().openSessions).toBe(0);

    const history = openHistory(path.join(dir, 'state'));
    const runs = history.listRuns({ publication: 'every-second' });
    history.close();
    // One at a time: never two runs of the publication overlapping.
    const spans = runs
      .map((r) => [Date.parse(r.started), Date.parse(r.ended ?? r.started)] as const)
      .sort();
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    expect(runs.some((r) => r.status === 'succeeded')).toBe(true);
    expect(runs[0]!.status === 'interrupted' || runs[0]!.status === 'succeeded').toBe(true);
    expect(await readdir(path.join(dir, 'out'))).toEqual(['Daily Sales.pdf']);
  }, 40_000);
});
