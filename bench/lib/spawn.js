/** Spawning measured processes: wall time, exit code, output, and peak RSS (child/report-rss.js). */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REPORTER = fileURLToPath(new URL('../child/report-rss.js', import.meta.url));

/**
 * Runs `command args` to its end; resolves with { code, ms, stdout, stderr }. `input` (a Readable)
 * is piped to its stdin when given.
 */
export function run(command, args, { env = process.env, cwd = ROOT, input } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
    if (input) {
      input.on('error', reject);
      child.stdin.on('error', () => {}); // curl may close stdin early on an error; its code says so
      input.pipe(child.stdin);
    }
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ code, ms: performance.now() - started, stdout, stderr }),
    );
  });
}

/**
 * Runs a Node script (`args[0]` and its arguments) with the peak-RSS reporter preloaded; resolves
 * like run() plus maxRssKiB and vmHwmKiB.
 */
export async function runNodeMeasured(args, options = {}) {
  const file = path.join(tmpdir(), `bidrop-bench-rss-${randomBytes(6).toString('hex')}.json`);
  const env = { ...(options.env ?? process.env), BIDROP_BENCH_RSS_FILE: file };
  try {
    const result = await run(process.execPath, ['--import', REPORTER, ...args], {
      ...options,
      env,
    });
    const report = JSON.parse(await readFile(file, 'utf8').catch(() => '{}'));
    return { ...result, ...report };
  } finally {
    await rm(file, { force: true });
  }
}

/** Throws with the process's output when it did not exit 0. */
export function expectSuccess(result, what) {
  if (result.code === 0) return result;
  throw new Error(
    `${what} exited ${result.code}:\n${result.stderr.slice(-2000)}${result.stdout.slice(-500)}`,
  );
}
