import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { demoCredentials, startBiEmulator, type BiEmulator } from '../../src/emulators/bi/index.js';
import { runCli } from '../bi/run-cli.js';
import { pdfText, xlsxText } from './document-text.js';

let bi: BiEmulator;
let dir: string;
let env: Record<string, string>;

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
  regional:
    documents:
      - id: 6001
        prompts:
          Product Line: Bikes
      - id: 6004
    formats: [pdf, xlsx]
    prompts:
      Region: [EMEA, APAC]
    skipEmpty: true
    to: out:/Reports/{document}/{Region}.{ext}
  broken:
    documents:
      - id: 6003
    prompts:
      Region: [EMEA, APAC]
    to: out:/Reports/{document}.{ext}
`;

beforeAll(async () => {
  bi = await startBiEmulator({ port: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'bidrop-emu-run-'));
  await writeFile(path.join(dir, 'bidrop.yaml'), config);
  env = {
    BI_URL: bi.url,
    BI_PASSWORD: demoCredentials.password,
    BIDROP_HOME: path.join(dir, 'state'),
  };
});

afterAll(async () => {
  await bi?.close();
});

describe('bidrop run against the BI emulator, into a folder', () => {
  it('delivers each burst value with its own content, and logs off', async () => {
    const result = await runCli(['run', 'regional'], env, dir);

    expect(result.stderr).not.toContain('unexpected');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('8 delivered, 0 unchanged of 8');
    for (const doc of ['Daily Sales', 'Regional Headcount']) {
      expect((await readdir(path.join(dir, 'out/Reports', doc))).sort()).toEqual([
        'APAC.pdf',
        'APAC.xlsx',
        'EMEA.pdf',
        'EMEA.xlsx',
      ]);
      for (const region of ['EMEA', 'APAC']) {
        const other = region === 'EMEA' ? 'APAC' : 'EMEA';
        const pdf = await pdfText(
          await readFile(path.join(dir, 'out/Reports', doc, `${region}.pdf`)),
        );
        const xlsx = xlsxText(await readFile(path.join(dir, 'out/Reports', doc, `${region}.xlsx`)));
        expect(pdf).toContain(region);
        expect(pdf).not.toContain(other);
        expect(xlsx).toContain(region);
        expect(xlsx).not.toContain(other);
      }
    }
    expect(bi.stats().openSessions).toBe(0);
  });

  it('records the run in history, and a second run uploads nothing', async () => {
    const again = await runCli(['run', 'regional', '--json'], env, dir);
    expect(again.code).toBe(0);
    const events = again.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; result?: { status: string } });
    const statuses = events.filter((e) => e.type === 'delivery-end').map((e) => e.result!.status);
    expect(statuses).toEqual(Array(8).fill('unchanged'));

    const runs = await runCli(['history', 'regional', '--json'], env, dir);
    const rows = runs.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.status, r.delivered, r.unchanged, r.empty])).toEqual([
      ['succeeded', 0, 8, 0],
      ['succeeded', 8, 0, 0],
    ]);

    const first = await runCli(['history', '--run', String(rows[1]!.id), '--json'], env, dir);
    const run = JSON.parse(first.stdout) as { deliveries: Array<Record<string, unknown>> };
    const emea = run.deliveries.find(
      (d) =>
        d.document === 'Daily Sales' &&
        d.format === 'pdf' &&
        (d.prompts as Record<string, string>).Region === 'EMEA',
    );
    expect(emea).toMatchObject({
      status: 'delivered',
      path: '/Reports/Daily Sales/EMEA.pdf',
      prompts: { Region: 'EMEA', 'Product Line': 'Bikes' },
      attempts: 1,
      errorCode: null,
    });
    expect(emea!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(run)).not.toContain(demoCredentials.password);

    const table = await runCli(['history'], env, dir);
    expect(table.stdout).toMatch(/run\s+publication\s+started/);
  });

  it('prints the plan with --dry-run and exports nothing', async () => {
    const before = bi.stats().exports;
    const result = await runCli(['run', 'regional', '--dry-run'], env, dir);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('8 deliveries to out (dry run, nothing exported)');
    expect(result.stdout).toMatch(
      /Daily Sales\s+pdf\s+Region=EMEA, Product Line=Bikes\s+out:\/Reports\/Daily Sales\/EMEA\.pdf/,
    );
    expect(bi.stats().exports).toBe(before);
  });

  it('exits 2 on a path collision and on an unknown publication, and 1 on an unknown document', async () => {
    const collision = await runCli(['run', 'broken'], env, dir);
    expect(collision.code).toBe(2);
    expect(collision.stderr).toContain('RUN_PATH_COLLISION');

    const unknown = await runCli(['run', 'nope'], env, dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('USAGE_UNKNOWN_PUBLICATION');

    await writeFile(
      path.join(dir, 'missing.yaml'),
      config
        .replace('- id: 6004', '- id: 999999')
        .replace('regional:', 'missing:')
        .split('  broken:')[0]!,
    );
    const missing = await runCli(['--config', 'missing.yaml', 'run', 'missing'], env, dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing: BI_/);
    expect(bi.stats().openSessions).toBe(0);
  });
});
