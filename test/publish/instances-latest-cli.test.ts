/**
 * `from: latest-instance` end to end: bidrop run delivers the newest successful instance of a Web
 * Intelligence document, of a Crystal report and of an uploaded PDF to the Dropbox emulator, with
 * the extension of the real type, byte for byte; a second run skips all three.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { sampleInstances } from '../../src/emulators/bi/index.js';
import { openHistory } from '../../src/store/index.js';
import { runCli } from '../bi/run-cli.js';
import { instanceBytes, setUp, type Setup } from './instances-setup.js';

let setup: Setup | undefined;

afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const objects = {
  'Daily Sales': 6001,
  'Legacy Invoices': 6090,
  'Annual Report 2025': sampleInstances.uploaded.pdf,
};

describe('bidrop run with from: latest-instance', () => {
  it('delivers each instance as it is, then skips the same instances without uploading', async () => {
    setup = await setUp(`  latest:
    from: latest-instance
    documents:
      - id: 6001
      - id: 6090
      - id: ${sampleInstances.uploaded.pdf}
    to: team:/Instances/{document}.{ext}
`);
    const { bi, dropbox, dir, env, stateDir } = setup;

    const first = await runCli(['run', 'latest'], env, dir);
    expect(first.stderr).not.toContain('unexpected');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('3 delivered, 0 unchanged of 3');
    expect(bi.stats().openSessions).toBe(0);

    for (const [name, id] of Object.entries(objects)) {
      const stored = await dropbox.readFile(`/Instances/${name}.pdf`);
      expect(stored, name).toBeDefined();
      expect(stored!.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(stored!.equals(await instanceBytes(bi, id)), name).toBe(true);
    }
    const uploads = dropbox.listFiles().map((f) => f.rev);
    const fileCalls = (): number =>
      Object.entries(dropbox.stats().requests)
        .filter(([route]) => route.startsWith('/2/files/'))
        .reduce((sum, [, n]) => sum + n, 0);
    const callsBefore = fileCalls();
    const downloads = (): number =>
      Object.entries(bi.stats().requests)
        .filter(([route]) => route.endsWith('/file'))
        .reduce((sum, [, n]) => sum + n, 0);
    const downloadsBefore = downloads();
    expect(downloadsBefore).toBeGreaterThanOrEqual(3);

    const second = await runCli(['run', 'latest'], env, dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 delivered, 3 unchanged of 3');
    expect(dropbox.listFiles().map((f) => f.rev)).toEqual(uploads);
    // Skipped on the instance id alone: Dropbox was not even asked for the files' hashes.
    expect(fileCalls()).toBe(callsBefore);
    // ...and no instance file was opened on the BI platform.
    expect(downloads()).toBe(downloadsBefore);
    expect(bi.stats().openSessions).toBe(0);

    const history = openHistory(stateDir);
    const [latest, earlier] = history.listRuns();
    const firstRows = history.deliveries(earlier!.id);
    const secondRows = history.deliveries(latest!.id);
    history.close();
    expect(firstRows.map((r) => r.instanceId)).toEqual([
      sampleInstances.latestSuccessful[6001],
      sampleInstances.latestSuccessful[6090],
      sampleInstances.uploaded.pdf,
    ]);
    expect(firstRows.every((r) => r.status === 'delivered' && r.format === 'as-is')).toBe(true);
    expect(secondRows.map((r) => [r.status, r.instanceId, r.path])).toEqual(
      firstRows.map((r) => ['unchanged', r.instanceId, r.path]),
    );
  }, 60_000);

  it('delivers again when the platform has made a newer instance since', async () => {
    setup = await setUp(
      `  monthly:
    from: latest-instance
    documents:
      - id: 6003
    to: team:/Instances/{document}.{ext}
  run-now:
    from: schedule
    keepInstance: true
    formats: [csv]
    documents:
      - id: 6003
    to: team:/Runs/{document}.{ext}
`,
      { schedule: { pendingMs: 20, runMs: 50 } },
    );
    const { bi, dropbox, dir, env } = setup;

    expect((await runCli(['run', 'monthly'], env, dir)).code).toBe(0);
    const [before] = dropbox.listFiles().filter((f) => f.path.startsWith('/Instances/'));
    expect((await runCli(['run', 'run-now'], env, dir)).code).toBe(0);

    const again = await runCli(['run', 'monthly'], env, dir);

    expect(again.code).toBe(0);
    expect(again.stdout).toContain('1 delivered, 0 unchanged of 1');
    // The newest instance is the CSV run: a new file beside the older instance's.
    const paths = dropbox
      .listFiles()
      .filter((f) => f.path.startsWith('/Instances/'))
      .map((f) => f.path);
    expect(paths.sort()).toEqual([before!.path, '/Instances/Monthly Revenue.csv'].sort());
    const stored = await dropbox.readFile('/Instances/Monthly Revenue.csv');
    expect(stored!.equals(await instanceBytes(bi, 6003))).toBe(true);
    expect(bi.stats().instancesDeleted).toBe(0);
    expect(bi.stats().openSessions).toBe(0);
  }, 60_000);

  it('takes {ext} from the bytes: an uploaded Excel file ends in its own extension', async () => {
    setup = await setUp(`  sheets:
    from: latest-instance
    documents:
      - id: ${sampleInstances.uploaded.excel}
    to: team:/Files/{document}.{ext}
`);
    const { bi, dropbox, dir, env } = setup;

    const run = await runCli(['run', 'sheets'], env, dir);

    expect(run.code).toBe(0);
    const [file] = dropbox.listFiles();
    expect(file?.path).toMatch(/^\/files\/cost centres\.xlsx?$/i);
    const stored = await dropbox.readFile(file!.path);
    expect(stored!.equals(await instanceBytes(bi, sampleInstances.uploaded.excel))).toBe(true);
    expect(bi.stats().openSessions).toBe(0);
  }, 60_000);
});
