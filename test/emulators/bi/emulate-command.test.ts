import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { demoCredentials } from '../../../src/emulators/bi/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function bidrop(args: string[]) {
  const child = spawn(process.execPath, ['bin/bidrop.js', ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number);
  const output = (): { stdout: string; stderr: string } => ({ stdout, stderr });
  const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (let i = 0; i < 200; i += 1) {
      const match = pattern.exec(stdout);
      if (match) return match;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${String(pattern)} in output: ${stdout} ${stderr}`);
  };
  return { child, exited, output, waitFor };
}

describe('bidrop emulate', () => {
  it('runs the BI emulator, prints its URL and demo credentials, and stops on SIGTERM', async () => {
    const run = bidrop(['emulate', 'bi', '--port', '0']);
    const [, url] = await run.waitFor(
      /BI platform emulator: (http:\/\/127\.0\.0\.1:\d+\/biprws)\n/,
    );
    expect(run.output().stdout).toContain(`password ${demoCredentials.password}`);

    const res = await fetch(`${url}/logon/long`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ userName: 'Administrator', password: demoCredentials.password }),
    });
    expect(res.status).toBe(200);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await expect(fetch(`${url}/logon/long`)).rejects.toThrow();
  });

  it('runs both emulators by default on the given ports', async () => {
    const run = bidrop(['emulate', '--bi-port', '0', '--dropbox-port', '0']);
    await run.waitFor(/Press Ctrl-C to stop/);
    expect(run.output().stdout).toMatch(
      /BI platform emulator: http:\/\/127\.0\.0\.1:\d+\/biprws\n/,
    );
    expect(run.output().stdout).toMatch(/Dropbox emulator: http:\/\/127\.0\.0\.1:\d+\n/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('rejects an unknown emulator name and a bad port with exit code 2', async () => {
    const unknown = bidrop(['emulate', 'crystal']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output().stderr).toMatch(/Unknown emulator "crystal"/);

    const badPort = bidrop(['emulate', 'bi', '--port', 'abc']);
    expect(await badPort.exited).toBe(2);
    expect(badPort.output().stderr).toMatch(/--port must be a port number/);
  });
});
