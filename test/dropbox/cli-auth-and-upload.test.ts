import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFake, type FakeDropbox } from './fake-dropbox.js';
import { bytes, env } from './setup.js';

let fake: FakeDropbox;
let dir: string;
beforeEach(async () => {
  fake = await startFake();
  dir = await mkdtemp(path.join(tmpdir(), 'bidrop-cli-'));
  await writeFile(
    path.join(dir, 'bidrop.yaml'),
    [
      'state: ./state',
      'destinations:',
      '  team:',
      '    type: dropbox',
      '    appKey: test-app-key',
      `    endpoints: { authorize: "${fake.url}", api: "${fake.url}", content: "${fake.url}" }`,
      '',
    ].join('\n'),
  );
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function withoutHome(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { BIDROP_HOME: _home, BIDROP_CONFIG: _config, ...rest } = environment;
  return rest;
}

/** Runs the built CLI; `onStderr` may answer prompts through stdin. */
function bidrop(
  args: string[],
  onStderr?: (text: string, stdin: NodeJS.WritableStream) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.resolve('bin/bidrop.js'), '--config', path.join(dir, 'bidrop.yaml'), ...args],
      {
        env: { ...withoutHome(process.env), ...env, BIDROP_LOG_LEVEL: 'debug' },
        cwd: dir,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child.stdin);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('CLI: auth dropbox, auth status, upload, auth revoke', () => {
  it('authorises with a pasted code, shows status without tokens, uploads, revokes', async () => {
    let answered = false;
    const auth = await bidrop(['auth', 'dropbox', '--no-browser'], (text, stdin) => {
      const url = /(http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+)/.exec(text)?.[1];
      if (!url || answered) return;
      answered = true;
      void fetch(url)
        .then((r) => r.text())
        .then((page) => stdin.end(`${/<code>([^<]+)<\/code>/.exec(page)![1]}\n`));
    });
    expect(auth.stderr).not.toContain('unexpected');
    expect(auth.code).toBe(0);
    expect(auth.stdout).toContain(
      'Authorised Franz Ferdinand (Personal) <franz@example.com> for destination team.',
    );

    const status = await bidrop(['auth', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /team\s+Franz Ferdinand \(Personal\) <franz@example.com>\s+valid until \S+\s+yes/,
    );

    const file = path.join(dir, 'Sales Q1.pdf');
    await writeFile(file, bytes(5000));
    const upload = await bidrop(['upload', file, 'team:/Reports/Sales Q1.pdf', '--shared-link']);
    expect(upload.code).toBe(0);
    expect(upload.stdout).toMatch(/^status +delivered$/m);
    expect(upload.stdout).toMatch(/^path +\/Reports\/Sales Q1\.pdf$/m);
    expect(upload.stdout).toMatch(/^size +5000$/m);
    expect(upload.stdout).toMatch(/^hash +[0-9a-f]{64}$/m);
    expect(upload.stdout).toMatch(/^rev +[0-9a-f]+$/m);
    expect(upload.stdout).toMatch(/^link +https:\/\/www\.dropbox\.com\//m);
    expect(upload.stderr).toContain('dropbox: request');

    const again = await bidrop(['upload', file, 'team:/Reports/Sales Q1.pdf', '--skip-unchanged']);
    expect(again.stdout).toMatch(/^status +unchanged$/m);

    // Nothing secret anywhere: not in any output, not in plain text in the state folder.
    const secrets = [...fake.accessTokens, fake.refreshToken];
    const state = path.join(dir, 'state');
    const files = await readdir(state, { recursive: true });
    const stored = await Promise.all(
      files.map((f) => readFile(path.join(state, String(f)), 'utf8').catch(() => '')),
    );
    for (const secret of secrets) {
      for (const text of [
        auth.stdout,
        auth.stderr,
        status.stdout,
        upload.stdout,
        upload.stderr,
        ...stored,
      ]) {
        expect(text).not.toContain(secret);
      }
    }

    const revoke = await bidrop(['auth', 'revoke']);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain('Revoked the Dropbox tokens of team');
    expect(fake.count('/2/auth/token/revoke')).toBe(1);

    const after = await bidrop(['upload', file, 'team:/Reports/x.pdf']);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('DROPBOX_NOT_AUTHORIZED');
    expect(after.stderr).toContain('bidrop auth dropbox --destination team');
  });

  it('upload refuses a bad target (2), an unknown destination (2) and a path Dropbox would refuse (1)', async () => {
    const file = path.join(dir, 'a.pdf');
    await writeFile(file, 'x');
    const bad = await bidrop(['upload', file, 'no-colon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('USAGE_BAD_TARGET');

    const unknown = await bidrop(['upload', file, 'elsewhere:/a.pdf']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('CONFIG_UNKNOWN_DESTINATION');

    const malformed = await bidrop(['upload', file, 'team:/Reports/../a.pdf']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('DROPBOX_MALFORMED_PATH');
    expect(malformed.stderr).toContain('".." component');
  });
});
