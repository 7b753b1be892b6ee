import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { demoCredentials, startBiEmulator, type BiEmulator } from '../../src/emulators/bi/index.js';
import { openHistory } from '../../src/store/index.js';
import { runCli, startCli } from '../bi/run-cli.js';

const sessionTimeoutMs = 1500;

const config = `bi:
  url: \${BI_URL}
  username: Administrator
  password: \${BI_PASSWORD}
  sessions: 2
destinations:
  out:
    type: folder
    path: ./out
publications:
  slow:
    documents:
      - id: 6001
    formats: [pdf, xlsx]
    prompts:
      Region: [EMEA, APAC, AMER, LATAM]
      Product Line: Bikes
    to: out:/{Region}/{document}.{ext}
`;

let bi: BiEmulator | undefined;

afterEach(async () => {
  await bi?.close();
  bi = undefined;
});

async function setUp(): Promise<{ dir: string; env: Record<string, string> }> {
  // PDFs of this document are ~27 KiB: about a second each at this rate.
  bi = await startBiEmulator({ port: 0, exportBytesPerSecond: 24_000, sessionTimeoutMs });
  const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-kill-'));
  await writeFile(path.join(dir, 'bidrop.yaml'), config);
  return {
    dir,
    env: {
      BI_URL: bi.url,
      BI_PASSWORD: demoCredentials.password,
      BIDROP_HOME: path.join(dir, 'state'),
    },
  };
}

/** Starts `bidrop run slow --json` and resolves once `count` deliveries have ended. */
function runUntil(dir: string, env: Record<string, string>, count: number) {
  const started = startCli(['run', 'slow', '--json'], env, dir);
  const reached = new Promise<void>((resolve) => {
    let ended = 0;
    started.child.stdout!.on('data', (chunk: Buffer) => {
      ended += chunk.toString().split('"type":"delivery-end"').length - 1;
      if (ended >= count) resolve();
    });
  });
  return { ...started, reached };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const expected = ['AMER', 'APAC', 'EMEA', 'LATAM'].flatMap((r) => [
  `${r}/Daily Sales.pdf`,
  `${r}/Daily Sales.xlsx`,
]);

describe('a run that is killed, then run again', () => {
  it('SIGKILL midway: the next run finishes the same run, each file once, and sessions time out', async () => {
    const { dir, env } = await setUp();
    const first = runUntil(dir, env, 2);
    await first.reached;
    first.child.kill('SIGKILL');
    await first.done;
    // A SIGKILLed process cannot log off: its sessions stay open until the platform times them out.
    expect(bi!.stats().openSessions).toBeGreaterThan(0);

    const second = await runCli(['run', 'slow'], env, dir);

    expect(second.code).toBe(0);
    expect(second.stderr).toContain('(resumed)');
    expect(await filesUnder(path.join(dir, 'out'))).toEqual(expected);
    const history = openHistory(path.join(dir, 'state'));
    const runs = history.listRuns();
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    const rows = history.deliveries(runs[0]!.id);
    history.close();
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.status === 'delivered' || r.status === 'unchanged')).toBe(true);
    // Finished before the kill: not touched again.
    expect(
      rows.filter((r) => r.attempts === 1 && r.status === 'delivered').length,
    ).toBeGreaterThanOrEqual(2);

    await new Promise((r) => setTimeout(r, sessionTimeoutMs + 300));
    expect(bi!.stats().openSessions).toBe(0);
  }, 60_000);

  it('SIGINT midway: exit 130, no partial file, sessions logged off, history says interrupted', async () => {
    const { dir, env } = await setUp();
    const first = runUntil(dir, env, 1);
    await first.reached;
    first.child.kill('SIGINT');
    const result = await first.done;

    expect(result.code).toBe(130);
    expect(bi!.stats().openSessions).toBe(0);
    const files = await filesUnder(path.join(dir, 'out'));
    expect(files.every((f) => expected.includes(f))).toBe(true);
    expect(files.length).toBeLessThan(8);
    const history = openHistory(path.join(dir, 'state'));
    const [run] = history.listRuns();
    history.close();
    expect(run!.status).toBe('interrupted');
    expect(run!.delivered).toBe(files.length);

    const resumed = await runCli(['run', 'slow', '--resume'], env, dir);
    expect(resumed.code).toBe(0);
    expect(await filesUnder(path.join(dir, 'out'))).toEqual(expected);
    expect(bi!.stats().openSessions).toBe(0);
  }, 60_000);
});
