/**
 * A latest-instance delivery with nothing to deliver is reported as "no instance", with the
 * reason, in the summary and in history; it is not a crash, and it makes the exit code 1 so an
 * operator knows a file did not arrive.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { runCli } from '../bi/run-cli.js';
import { setUp, type Setup } from './instances-setup.js';

let setup: Setup | undefined;

afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('a latest-instance delivery without a usable instance', () => {
  it('is "no instance" (BI_NO_INSTANCE, BI_INSTANCE_TOO_OLD) while the others deliver', async () => {
    setup = await setUp(`  mixed:
    from: latest-instance
    documents:
      - id: 6004
      - id: 6090
        maxAge: 1h
      - id: 6003
    to: team:/Instances/{document}.{ext}
`);
    const { bi, dropbox, dir, env } = setup;

    const run = await runCli(['run', 'mixed'], env, dir);

    expect(run.stderr).not.toContain('unexpected');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('1 delivered, 0 unchanged, 2 no instance of 3');
    expect(run.stdout).toMatch(/Regional Headcount.*no-instance BI_NO_INSTANCE/);
    expect(run.stdout).toMatch(/Legacy Invoices.*no-instance BI_INSTANCE_TOO_OLD/);
    expect(run.stderr).toContain('"Regional Headcount" (id 6004) has no successful instance');
    expect(run.stderr).toMatch(/"Legacy Invoices" \(instance \d+, ended .*\) is \d+ d old/);
    expect(dropbox.listFiles().map((f) => f.path)).toEqual([
      expect.stringMatching(/^\/instances\/monthly revenue\.xlsx?$/i),
    ]);
    expect(bi.stats().openSessions).toBe(0);

    const history = await runCli(['history'], env, dir);
    expect(history.stdout).toMatch(/no instance/);
    expect(history.stdout).toMatch(/mixed\s.*failed\s+1\s+0\s+0\s+2\s+0\s+0/);
    const detail = await runCli(['history', '--run', '1'], env, dir);
    expect(detail.stdout).toMatch(/no-instance.*BI_NO_INSTANCE: "Regional Headcount"/);
  }, 60_000);
});
