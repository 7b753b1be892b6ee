/**
 * `bidrop import schedules --write` against the BI emulator writes publications that validate and,
 * run, deliver the files the platform's own schedules produced (latest instance), or run the same
 * document on the platform in the schedule's format (from: schedule).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { sampleInstances } from '../../src/emulators/bi/index.js';
import { runCli } from '../bi/run-cli.js';
import { pdfText } from './document-text.js';
import { instanceBytes, setUp, type Setup } from './instances-setup.js';

let setup: Setup | undefined;

afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

/** A publication bidrop.yaml must hold, so the file is valid before the import. */
const existing = `  existing:
    documents:
      - id: 6002
    to: team:/Existing/{document}.{ext}
`;

describe('bidrop import schedules, then bidrop run', () => {
  it('latest-instance publications deliver the instances the recurring schedules produced', async () => {
    setup = await setUp(existing);
    const { bi, dropbox, dir, env } = setup;

    const imported = await runCli(['import', 'schedules', '--write'], env, dir);

    expect(imported.stderr).not.toContain('unexpected');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Added 2 publications');
    const yaml = await readFile(path.join(dir, 'bidrop.yaml'), 'utf8');
    expect(yaml).toContain('  existing:');
    expect(yaml).toMatch(/daily-sales:[\s\S]*from: latest-instance/);

    const dry = await runCli(['run', '--dry-run'], env, dir);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);

    for (const [publication, objectId] of [
      ['daily-sales', 6001],
      ['monthly-revenue', 6003],
    ] as const) {
      const run = await runCli(['run', publication], env, dir);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('1 delivered, 0 unchanged of 1');
      const file = dropbox
        .listFiles()
        .find((f) => f.path.toLowerCase().startsWith(`/reports/${publication}/`));
      expect(file, publication).toBeDefined();
      const stored = await dropbox.readFile(file!.path);
      expect(stored!.equals(await instanceBytes(bi, objectId)), publication).toBe(true);
      expect(sampleInstances.recurring[objectId]).toBeDefined();
    }
    expect(bi.stats().openSessions).toBe(0);
    expect(bi.stats().instancesCreated).toBe(0);
  }, 60_000);

  it('from: schedule publications run the document on the platform in the schedule format', async () => {
    setup = await setUp(existing, { schedule: { pendingMs: 50, runMs: 100 } });
    const { bi, dropbox, dir, env } = setup;

    const imported = await runCli(
      ['import', 'schedules', '--from', 'schedule', '--write'],
      env,
      dir,
    );
    expect(imported.code).toBe(0);

    const run = await runCli(['run', 'monthly-revenue'], env, dir);

    expect(run.code, run.stderr).toBe(0);
    const [file] = dropbox.listFiles();
    expect(file?.path).toMatch(/^\/reports\/monthly-revenue\/monthly revenue\.xlsx?$/i);
    const stored = await dropbox.readFile(file!.path);
    // The schedule keeps Excel output: the same type as the platform's own instance.
    const platform = await instanceBytes(bi, 6003);
    expect(stored!.subarray(0, 4).equals(platform.subarray(0, 4))).toBe(true);
    expect(bi.stats().instancesCreated).toBe(1);
    expect(bi.stats().instancesDeleted).toBe(1);

    // Daily Sales' schedule answers Product Line with two values: one file per value.
    const daily = await runCli(['run', 'daily-sales'], env, dir);

    expect(daily.code, daily.stderr).toBe(0);
    const files = dropbox
      .listFiles()
      .map((f) => f.path)
      .filter((p) => p.toLowerCase().startsWith('/reports/daily-sales/'))
      .sort();
    expect(files).toEqual([
      '/Reports/daily-sales/Daily Sales - Accessories.pdf',
      '/Reports/daily-sales/Daily Sales - Bikes.pdf',
    ]);
    for (const line of ['Accessories', 'Bikes']) {
      const pdf = await dropbox.readFile(`/Reports/daily-sales/Daily Sales - ${line}.pdf`);
      expect(await pdfText(pdf!)).toContain('EMEA');
    }
    expect(bi.stats().instancesDeleted).toBe(3);
    expect(bi.stats().openSessions).toBe(0);
  }, 60_000);
});
