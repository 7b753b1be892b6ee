import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { demoCredentials, startBiEmulator, type BiEmulator } from '../../src/emulators/bi/index.js';
import { startDropboxEmulator, type DropboxEmulator } from '../../src/emulators/dropbox/index.js';
import { openHistory } from '../../src/store/index.js';
import { runCli, startCli } from '../bi/run-cli.js';
import { pdfText, xlsxText } from './document-text.js';
import { authoriseDestination, secretEnv } from './dropbox-consent.js';

let bi: BiEmulator | undefined;
let dropbox: DropboxEmulator | undefined;

afterEach(async () => {
  await bi?.close();
  await dropbox?.close();
  bi = undefined;
  dropbox = undefined;
});

const regions = ['EMEA', 'APAC', 'AMER'];
const paths = regions.flatMap((r) => [
  `/Reports/Daily Sales - ${r}.pdf`,
  `/Reports/Daily Sales - ${r}.xlsx`,
]);

async function setUp(biOptions: Parameters<typeof startBiEmulator>[0] = {}) {
  bi = await startBiEmulator({ port: 0, ...biOptions });
  dropbox = await startDropboxEmulator();
  const dir = await mkdtemp(path.join(tmpdir(), 'bidrop-dbx-run-'));
  const stateDir = path.join(dir, 'state');
  await authoriseDestination(dropbox, stateDir, 'team');
  await writeFile(
    path.join(dir, 'bidrop.yaml'),
    `bi:
  url: \${BI_URL}
  username: Administrator
  password: \${BI_PASSWORD}
  sessions: 2
destinations:
  team:
    type: dropbox
    appKey: ${dropbox.demoApp.key}
    endpoints: { authorize: "${dropbox.url}", api: "${dropbox.url}", content: "${dropbox.url}" }
publications:
  sales:
    documents:
      - id: 6001
    formats: [pdf, xlsx]
    prompts:
      Region: [${regions.join(', ')}]
      Product Line: Bikes
    sharedLink: true
    to: team:/Reports/{document} - {Region}.{ext}
`,
  );
  const env = {
    ...secretEnv,
    BI_URL: bi.url,
    BI_PASSWORD: demoCredentials.password,
    BIDROP_HOME: stateDir,
  };
  return { dir, env, stateDir };
}

describe('bidrop run into the Dropbox emulator', () => {
  it('uploads each burst value with its content and a link; a second run uploads nothing', async () => {
    const { dir, env, stateDir } = await setUp();

    const first = await runCli(['run', 'sales'], env, dir);
    expect(first.stderr).not.toContain('unexpected');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('6 delivered, 0 unchanged of 6');

    for (const region of regions) {
      const pdf = await dropbox!.readFile(`/Reports/Daily Sales - ${region}.pdf`);
      const xlsx = await dropbox!.readFile(`/Reports/Daily Sales - ${region}.xlsx`);
      expect(await pdfText(pdf!)).toContain(region);
      expect(xlsxText(xlsx!)).toContain(region);
      for (const other of regions.filter((r) => r !== region))
        expect(xlsxText(xlsx!)).not.toContain(other);
    }

    const second = await runCli(['run', 'sales'], env, dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 delivered, 6 unchanged of 6');
    for (const p of paths) expect(dropbox!.revisions(p)).toBe(1);

    const history = openHistory(stateDir);
    const [latest, earlier] = history.listRuns();
    const rows = history.deliveries(earlier!.id);
    history.close();
    expect(latest!.unchanged).toBe(6);
    const stored = new Map(dropbox!.listFiles().map((f) => [f.path.toLowerCase(), f]));
    for (const row of rows) {
      const file = stored.get(row.path!.toLowerCase())!;
      expect(row).toMatchObject({
        status: 'delivered',
        contentHash: file.contentHash,
        revision: file.rev,
      });
      expect(row.link).toMatch(/^https?:\/\//);
    }
    expect(bi!.stats().openSessions).toBe(0);
  }, 60_000);

  it('after SIGKILL midway, running again delivers every file exactly once', async () => {
    const { dir, env } = await setUp({ exportBytesPerSecond: 24_000, sessionTimeoutMs: 1500 });
    const first = startCli(['run', 'sales', '--json'], env, dir);
    await new Promise<void>((resolve) => {
      first.child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('"type":"delivery-end"')) resolve();
      });
    });
    first.child.kill('SIGKILL');
    await first.done;
    expect(bi!.stats().openSessions).toBeGreaterThan(0);

    const second = await runCli(['run', 'sales'], env, dir);

    expect(second.code).toBe(0);
    expect(second.stderr).toContain('(resumed)');
    for (const p of paths) expect(dropbox!.revisions(p)).toBe(1);
    await new Promise((r) => setTimeout(r, 1800));
    expect(bi!.stats().openSessions).toBe(0);
  }, 60_000);
});
