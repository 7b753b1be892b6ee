/** Runs `node bin/bidrop.js` as a child process (asynchronously, so servers in this process answer). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const bin = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../bin/bidrop.js',
);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '', BIDROP_LOG_LEVEL: 'warn', ...env },
    ...(cwd && { cwd }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

export function runCli(args: string[], env: Record<string, string>, cwd?: string) {
  return startCli(args, env, cwd).done;
}
