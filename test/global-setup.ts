import { spawnSync } from 'node:child_process';

/**
 * Tests that spawn `bin/bidrop.js` need `dist/` to match `src/`: build it once per run. Type errors
 * do not stop the build here (tsc still emits); `npm run typecheck` in CI is where they fail.
 */
export default function setup(): void {
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (result.status !== 0) process.stderr.write(`tsc reported problems:\n${result.stdout}\n`);
}
