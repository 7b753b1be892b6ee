/**
 * The BI connection for commands that may run without a configuration file (`docs`, `export`):
 * flags first, then the environment, then `bidrop.yaml`.
 */
import { ConfigError, registerSecret } from '../core/index.js';
import { biAuthTypes, type BiConfig } from './schema.js';

export type BiConnection = Pick<BiConfig, 'url' | 'username' | 'password' | 'auth' | 'sessions'> &
  Partial<Pick<BiConfig, 'sessionWaitSeconds' | 'exportTimeoutSeconds'>>;

export interface BiConnectionFlags {
  biUrl?: string;
  biUser?: string;
  biAuth?: string;
  /** Accepted with a warning: command lines are visible to other users and kept in shell history. */
  biPassword?: string;
}

export function resolveBiConnection(
  flags: BiConnectionFlags,
  config: Pick<BiConfig, 'url' | 'username' | 'password' | 'auth' | 'sessions'> | undefined,
  env: NodeJS.ProcessEnv = process.env,
): BiConnection {
  const url = flags.biUrl ?? env.BIDROP_BI_URL ?? config?.url;
  const username = flags.biUser ?? env.BIDROP_BI_USER ?? config?.username;
  const password = flags.biPassword ?? env.BIDROP_BI_PASSWORD ?? config?.password;
  const auth = flags.biAuth ?? env.BIDROP_BI_AUTH ?? config?.auth ?? 'secEnterprise';

  const missing = [
    !url && 'URL (--bi-url or BIDROP_BI_URL)',
    !username && 'user (--bi-user or BIDROP_BI_USER)',
    !password && 'password (BIDROP_BI_PASSWORD)',
  ].filter(Boolean);
  if (missing.length) {
    throw new ConfigError(
      'CONFIG_BI_MISSING',
      `The BI connection lacks its ${missing.join(', ')}`,
      {
        hint: 'Set them in the environment, or add a "bi" section to bidrop.yaml (bidrop init writes one).',
      },
    );
  }
  if (!(biAuthTypes as readonly string[]).includes(auth)) {
    throw new ConfigError('CONFIG_BI_AUTH', `Unknown BI authentication "${auth}"`, {
      hint: `Use one of ${biAuthTypes.join(', ')}.`,
    });
  }

  registerSecret(password);
  return {
    url: url!,
    username: username!,
    password: password!,
    auth: auth as BiConfig['auth'],
    sessions: config?.sessions ?? 4,
  };
}
