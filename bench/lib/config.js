/**
 * The bidrop.yaml a benchmark runs with: the BI emulator, one Dropbox destination on the Dropbox
 * emulator, and the publications a scenario asks for. Secrets come from the environment, as a
 * user would write them.
 */
import { demoCredentials } from '../../dist/emulators/bi/index.js';
import { loadConfig } from '../../dist/config/index.js';
import { emulatorEndpoints } from './dropbox-auth.js';

export const DESTINATION = 'bench-dropbox';

/** The environment the config's `${VAR}`s read (and a child bidrop process gets). */
export function benchEnv(host) {
  const env = { ...process.env };
  delete env.BIDROP_HOME;
  delete env.BIDROP_CONFIG;
  return {
    ...env,
    BI_USER: demoCredentials.username,
    BI_PASSWORD: demoCredentials.password,
    DROPBOX_APP_SECRET: host.demoApp.secret,
  };
}

/** A config object for `host` with `publications`; `sessions` BI sessions, `dropbox` extras. */
export function benchConfig(host, { sessions = 4, dropbox = {}, publications }) {
  return {
    bi: {
      url: host.biUrl,
      username: '${BI_USER}',
      password: '${BI_PASSWORD}',
      auth: 'secEnterprise',
      sessions,
    },
    state: './state',
    destinations: {
      [DESTINATION]: {
        type: 'dropbox',
        appKey: host.demoApp.key,
        appSecret: '${DROPBOX_APP_SECRET}',
        endpoints: emulatorEndpoints(host.dropboxUrl),
        ...dropbox,
      },
    },
    publications,
  };
}

/** Writes `config` into `workspace` and loads it back through bidrop's own loader. */
export async function writeAndLoad(workspace, host, config) {
  const file = await workspace.writeConfig(config);
  return { file, config: await loadConfig(file, benchEnv(host)) };
}
