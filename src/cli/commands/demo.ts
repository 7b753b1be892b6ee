/**
 * `bidrop demo`: the whole job on this machine. Starts the bundled emulators on free loopback
 * ports, authorises through the real OAuth flow (consenting as the emulator's demo user), runs a
 * sample publication with `bidrop run`'s own code, runs it again to show that nothing unchanged is
 * uploaded twice, and says where the files are.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { TokenStore, authorize } from '../../dropbox/index.js';
import { demoCredentials, startBiEmulator } from '../../emulators/bi/index.js';
import { consentAsDemoUser, startDropboxEmulator } from '../../emulators/dropbox/index.js';
import { ExitCode, type CliContext } from '../context.js';
import { formatTable } from '../table.js';
import run from './run.js';

interface Options {
  keep?: boolean;
}

const publication = 'daily-sales';
const destination = 'demo-dropbox';

/** The sample publication: three documents, two formats, one prompt bursting into three files. */
function demoConfig(biUrl: string, dropboxUrl: string, appKey: string): string {
  return `# Written by \`bidrop demo\`. The same file works against a real BI platform and Dropbox:
# change bi.url, the credentials and appKey, and drop the endpoints.
bi:
  url: ${biUrl}
  username: ${demoCredentials.username}
  password: \${BIDROP_DEMO_BI_PASSWORD}
  auth: secEnterprise
  sessions: 4
state: ./state
destinations:
  ${destination}:
    type: dropbox
    appKey: ${appKey}
    endpoints:
      authorize: ${dropboxUrl}
      api: ${dropboxUrl}
      content: ${dropboxUrl}
publications:
  ${publication}:
    documents:
      - path: /Sales/Daily/Daily Sales
        prompts:
          Region: [EMEA, APAC, AMER]
          Product Line: Bikes
      - id: 6003
      - cuid: AaREGIONALhEADCOUNT6004
        prompts:
          Region: EMEA
    formats: [pdf, xlsx]
    to: ${destination}:/Reports/{publication}/{date}/{Region}/{document}.{ext}
    whenUnchanged: skip
    sharedLink: true
`;
}

export default async function demo(
  ctx: CliContext,
  _args: string[],
  options: Options,
): Promise<number> {
  const out = (text: string): boolean => ctx.stdout.write(text);
  const workDir = await mkdtemp(path.join(tmpdir(), 'bidrop-demo-'));
  const configFile = path.join(workDir, 'bidrop.yaml');
  process.env.BIDROP_DEMO_BI_PASSWORD = demoCredentials.password;
  process.env.BIDROP_HOME = path.join(workDir, 'state');

  const bi = await startBiEmulator({ latencyMs: { logon: 40, export: 60, other: 5 } });
  const dropbox = await startDropboxEmulator({ dataDir: path.join(workDir, 'dropbox') });
  try {
    out(`bidrop demo: everything below runs on this machine, in ${workDir}\n\n`);
    out(`1. Started the BI platform emulator at ${bi.url}\n`);
    out(`   and the Dropbox emulator at ${dropbox.url}\n`);
    await writeFile(configFile, demoConfig(bi.url, dropbox.url, dropbox.demoApp.key));
    out(`   Configuration: ${configFile}\n\n`);

    out('2. Authorising the demo Dropbox app (OAuth 2 with PKCE; consenting as the demo user)\n');
    const endpoints = { authorize: dropbox.url, api: dropbox.url, content: dropbox.url };
    const tokens = await authorize({
      appKey: dropbox.demoApp.key,
      endpoints,
      signal: ctx.signal,
      timeoutMs: 30_000,
      openUrl: (url) => consentAsDemoUser(url),
    });
    await new TokenStore(process.env.BIDROP_HOME).save(destination, tokens);
    out('   Tokens saved, encrypted, in the state folder.\n\n');

    const runCtx: CliContext = { ...ctx, configPath: configFile };
    out(`3. bidrop run ${publication}\n`);
    const first = await run(runCtx, [publication], {});
    if (first !== ExitCode.ok) return first;

    out(`\n4. bidrop run ${publication} again: nothing changed, so nothing is uploaded\n`);
    const second = await run(runCtx, [publication], {});
    if (second !== ExitCode.ok) return second;

    const files = dropbox.listFiles();
    const copies = path.join(workDir, 'delivered');
    for (const file of files) {
      const target = path.join(copies, ...file.path.split('/').filter(Boolean));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, (await dropbox.readFile(file.path)) ?? Buffer.alloc(0));
    }
    out(`\n5. The Dropbox emulator now holds ${files.length} files:\n\n`);
    out(
      formatTable(
        ['path', 'bytes', 'revision'],
        files.map((f) => [f.path, f.size, f.rev]),
      ),
    );
    out(`\nCopies to open with any PDF reader or spreadsheet program: ${copies}\n`);
    out(`History of both runs: BIDROP_HOME=${process.env.BIDROP_HOME} bidrop history\n\n`);
    out('To deliver from your own BI platform to your own Dropbox, run `bidrop init`,\n');
    out('fill in bi.url and your Dropbox app key, then `bidrop auth dropbox` and `bidrop run`.\n');
    out('See docs/getting-started.md.\n');

    if (options.keep) {
      out('\nThe emulators keep running (--keep); press Ctrl-C to stop them.\n');
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    }
    return ExitCode.ok;
  } finally {
    await Promise.allSettled([bi.close(), dropbox.close()]);
  }
}
