/**
 * `from: schedule` end to end: the platform runs a long document, bidrop waits for it, delivers
 * its output and removes the instance it created; a failed run is reported with the platform's
 * message; with keepInstance the failed instance stays, and latest-instance then names it.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { runCli } from '../bi/run-cli.js';
import { pdfText } from './document-text.js';
import { setUp, type Setup } from './instances-setup.js';

let setup: Setup | undefined;

afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const publications = `  fresh:
    from: schedule
    scheduleTimeout: 2m
    documents:
      - id: 6001
    formats: [pdf]
    prompts:
      Region: EMEA
      Product Line: Bikes
    to: team:/Fresh/{document} - {Region}.{ext}
  headcount:
    from: schedule
    keepInstance: true
    documents:
      - id: 6004
    formats: [pdf]
    prompts:
      Region: APAC
    to: team:/Fresh/{document}.{ext}
  stuck:
    from: schedule
    scheduleTimeout: 3s
    documents:
      - id: 6003
    to: team:/Fresh/{document}.{ext}
  headcount-latest:
    from: latest-instance
    documents:
      - id: 6004
    to: team:/Latest/{document}.{ext}
`;

describe('bidrop run with from: schedule', () => {
  it('waits for a long platform run, delivers its output and deletes the instance', async () => {
    // Longer than the first status poll (2 s), so bidrop sees the run going and polls again.
    setup = await setUp(publications, { schedule: { pendingMs: 300, runMs: 2500 } });
    const { bi, dropbox, dir, env } = setup;

    const run = await runCli(['run', 'fresh'], env, dir);

    expect(run.stderr).not.toContain('unexpected');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 delivered, 0 unchanged of 1');
    const pdf = await dropbox.readFile('/Fresh/Daily Sales - EMEA.pdf');
    expect(pdf).toBeDefined();
    expect(await pdfText(pdf!)).toContain('EMEA');
    const stats = bi.stats();
    expect(stats.instancesCreated).toBe(1);
    expect(stats.instancesDeleted).toBe(1);
    expect(stats.openSessions).toBe(0);
  }, 60_000);

  it('reports a failed run with the platform message; the kept failure names a later no-instance', async () => {
    setup = await setUp(publications, {
      schedule: { pendingMs: 50, runMs: 100, failNext: 'Database vendor code 17 (WIS 10901)' },
    });
    const { bi, dropbox, dir, env } = setup;

    const run = await runCli(['run', 'headcount'], env, dir);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('0 delivered, 0 unchanged, 1 failed of 1');
    expect(run.stderr).toContain('BI_SCHEDULE_FAILED');
    expect(run.stderr).toContain('Database vendor code 17 (WIS 10901)');
    expect(dropbox.listFiles()).toEqual([]);
    // Not retried: a second run would fail the same way and leave one more failed instance.
    expect(bi.stats().instancesCreated).toBe(1);
    expect(bi.stats().instancesDeleted).toBe(0);
    expect(bi.stats().openSessions).toBe(0);

    const latest = await runCli(['run', 'headcount-latest'], env, dir);

    expect(latest.code).toBe(1);
    expect(latest.stdout).toContain('1 no instance of 1');
    expect(latest.stderr).toMatch(
      /BI_NO_INSTANCE: .*no successful instance.*Database vendor code 17/,
    );
    expect(bi.stats().openSessions).toBe(0);
  }, 60_000);

  it('cancels the run it started when scheduleTimeout passes, and fails the delivery', async () => {
    setup = await setUp(publications, { schedule: { pendingMs: 50, runMs: Infinity } });
    const { bi, dropbox, dir, env } = setup;

    const run = await runCli(['run', 'stuck'], env, dir);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('1 failed of 1');
    expect(run.stderr).toContain('BI_SCHEDULE_TIMEOUT');
    expect(dropbox.listFiles()).toEqual([]);
    expect(bi.stats()).toMatchObject({ instancesCreated: 1, instancesDeleted: 1, openSessions: 0 });
  }, 60_000);
});
