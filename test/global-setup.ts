import { execFileSync } from 'node:child_process';

/** Tests that spawn `bin/bidrop.js` need `dist/` to match `src/`: build it once per run. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
