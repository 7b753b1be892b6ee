import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import type { RecurringSchedule } from '../../src/bi/index.js';
import { addPublications } from '../../src/cli/commands/import-schedules.js';
import { parseConfig } from '../../src/config/index.js';
import { startFakeBi, type FakeBi } from './fake-bi.js';
import { installInstances } from './instances-fake.js';
import { runCli } from './run-cli.js';

let fake: FakeBi | undefined;
let dir: string | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const existing = `# bidrop configuration, written by hand
bi:
  url: URL
  username: Administrator
  password: \${BI_PASSWORD}
destinations:
  team-dropbox: # the sales team's account
    type: dropbox
    appKey: abc123
publications:
  # kept exactly as it is
  daily-sales:
    schedule: "0 6 * * 1-5"
    documents:
      - id: 500
    to: team-dropbox:/Reports/{publication}/{document}.{ext}
`;

async function platform(): Promise<FakeBi> {
  fake = await startFakeBi();
  const instances = installInstances(fake);
  instances.add({
    SI_ID: 500,
    SI_CUID: 'DocSales',
    SI_NAME: 'Daily sales',
    SI_KIND: 'Webi',
    SI_INSTANCE: 0,
  });
  instances.add({ SI_ID: 510, SI_NAME: 'Stock é Flow', SI_KIND: 'Webi', SI_INSTANCE: 0 });
  instances.add({ SI_ID: 520, SI_NAME: 'Ledger', SI_KIND: 'CrystalReport', SI_INSTANCE: 0 });
  const template = (id: number, parent: number, name: string) =>
    instances.add({
      SI_ID: id,
      SI_NAME: name,
      SI_KIND: 'Webi',
      SI_PARENTID: parent,
      SI_INSTANCE: 1,
      SI_SCHEDULE_STATUS: 9,
      SI_RECURRING: 1,
    });
  template(9001, 500, 'Sales weekly');
  template(9002, 510, 'Stock nightly');
  template(9003, 510, 'Stock every other day');
  template(9004, 520, 'Ledger monthly');
  const details: Record<number, Record<string, unknown>> = {
    9001: {
      weekly: { startdate: '2026-09-14T07:00:00.000+02:00', monday: '', thursday: '' },
      format: { '@type': 'pdf' },
    },
    9002: {
      daily: { startdate: '2026-09-14T05:10:00.000+02:00', dayinterval: 1 },
      format: { '@type': 'xls' },
      parameters: {
        parameter: {
          '@dpId': 'DP1',
          id: 0,
          name: 'Region',
          answer: { values: { value: ['EMEA', 'APAC'] } },
        },
      },
    },
    9003: { daily: { startdate: '2026-09-14T05:10:00.000+02:00', dayinterval: 2 } },
  };
  for (const [id, body] of Object.entries(details)) instances.details.set(Number(id), body);
  return fake;
}

async function configFile(text: string): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'bidrop-import-'));
  const file = path.join(dir, 'bidrop.yaml');
  await writeFile(file, text.replace('URL', fake!.url));
  return file;
}

const env = { BI_PASSWORD: 'Secret-Pass-1' };

describe('bidrop import schedules', () => {
  it('prints the publications it would add and reports what it cannot translate', async () => {
    await platform();
    const file = await configFile(existing);

    const result = await runCli(['--config', file, 'import', 'schedules'], env);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    const printed = parse(result.stdout) as { publications: Record<string, unknown> };
    expect(printed.publications).toEqual({
      'daily-sales-2': {
        schedule: '30 7 * * 1,4',
        documents: [{ id: 500 }],
        formats: ['pdf'],
        from: 'latest-instance',
        to: 'team-dropbox:/Reports/{publication}/{document}.{ext}',
      },
      'stock-e-flow': {
        schedule: '40 5 * * *',
        documents: [{ id: 510 }],
        formats: ['xls'],
        prompts: { Region: ['EMEA', 'APAC'] },
        from: 'latest-instance',
        to: 'team-dropbox:/Reports/{publication}/{document}.{ext}',
      },
    });
    expect(result.stdout).toContain('# imported from schedule 9002 "Stock nightly"');
    expect(result.stderr).toContain(
      'not imported: schedule 9003 "Stock every other day" of "Stock é Flow" (id 510): every 2 days drifts across months',
    );
    expect(result.stderr).toContain(
      '"Ledger" (id 520): its recurrence cannot be read over REST for a CrystalReport',
    );
    expect(await readFile(file, 'utf8')).toBe(existing.replace('URL', fake!.url));
    expect(fake!.sessions.size).toBe(0);
  });

  it('--write adds them, keeps every existing line and comment, and a second run adds nothing', async () => {
    await platform();
    const file = await configFile(existing);

    const first = await runCli(
      ['--config', file, 'import', 'schedules', '--write', '--from', 'schedule'],
      env,
    );
    expect(first, first.stderr).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('Added 2 publications');
    const written = await readFile(file, 'utf8');
    expect(written.startsWith(existing.replace('URL', fake!.url))).toBe(true);
    expect(written).toContain('from: schedule');
    // --from schedule runs on the platform itself: no delay after its schedule.
    expect(written).toContain('schedule: 0 7 * * 1,4');

    const config = parseConfig(written, file, env);
    expect(Object.keys(config.publications)).toEqual([
      'daily-sales',
      'daily-sales-2',
      'stock-e-flow',
    ]);
    expect(config.publications['stock-e-flow']).toMatchObject({
      from: 'schedule',
      formats: ['xls'],
    });

    const second = await runCli(
      ['--config', file, 'import', 'schedules', '--write', '--from', 'schedule'],
      env,
    );
    expect(second.stdout).toContain('No publication to add');
    expect(second.stderr).toContain('a publication already delivers it on "0 7 * * 1,4"');
    expect(await readFile(file, 'utf8')).toBe(written);
  });
});

describe('addPublications', () => {
  const schedule: RecurringSchedule = {
    id: 1,
    name: 'Nightly',
    document: { id: 5, cuid: 'C5', name: 'Doc X' },
    kind: 'Webi',
    recurrence: 'daily',
    translation: { cron: '0 6 * * *' },
    format: 'csv',
    prompts: {},
  };
  const entry = [
    '  doc-x:',
    '    # imported from schedule 1 "Nightly" of "Doc X" (id 5), daily',
    '    schedule: 30 6 * * *',
  ].join('\n');

  it('inserts at the end of the block, before the keys and comments that follow it', () => {
    const text = [
      'publications:',
      '  a:',
      '    schedule: "0 1 * * *" # keep me',
      '    to: x:/a',
      '# a trailing comment',
      'state: ./state',
      '',
    ].join('\n');
    const { text: out, added } = addPublications(text, [schedule], 'latest-instance');
    expect(added).toEqual(['doc-x']);
    expect(out.startsWith(text.split('# a trailing')[0]!)).toBe(true);
    expect(out).toContain(`    to: x:/a\n${entry}`);
    expect(out.endsWith('# a trailing comment\nstate: ./state\n')).toBe(true);
    expect(parse(out)).toMatchObject({ state: './state', publications: { a: {}, 'doc-x': {} } });
  });

  it('replaces an empty map and adds a missing block', () => {
    for (const text of [
      'bi: {}\npublications: {}\nstate: s\n',
      'state: s\n',
      'publications:\nstate: s\n',
    ]) {
      const { text: out } = addPublications(text, [schedule], 'latest-instance');
      expect(parse(out), out).toMatchObject({
        state: 's',
        publications: {
          'doc-x': {
            schedule: '30 6 * * *',
            formats: ['csv'],
            to: 'dropbox:/Reports/{publication}/{document}.{ext}',
          },
        },
      });
    }
  });

  it('refuses a schedule whose instances are Web Intelligence files when reading instances', () => {
    const webi = { ...schedule, format: 'webi' };
    expect(addPublications('', [webi], 'latest-instance').skipped[0]).toMatch(
      /Web Intelligence format/,
    );
    expect(addPublications('', [webi], 'schedule').added).toEqual(['doc-x']);
  });
});
