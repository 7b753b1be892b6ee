/** Running bidrop as a user does: `node bin/bidrop.js ...` in a child process, peak RSS measured. */
import path from 'node:path';

import { ROOT, runNodeMeasured } from './spawn.js';

const BIN = path.join(ROOT, 'bin/bidrop.js');

/** `bidrop --config FILE run NAME --json`, measured. */
export function bidropRun(configFile, name, env) {
  return runNodeMeasured([BIN, '--config', configFile, 'run', name, '--json'], { env });
}

/** `bidrop --config FILE upload FILE TARGET`, measured. */
export function bidropUpload(configFile, file, target, env) {
  return runNodeMeasured([BIN, '--config', configFile, 'upload', file, target], { env });
}
