/** The account behind a token, for `bidrop auth dropbox` right after consent. */
import { DropboxClient } from './client.js';
import type { DropboxEndpoints } from './endpoints.js';
import type { FullAccount } from './metadata.js';

/** `users/get_current_account` (§2.7) with a given token, no refresh. */
export async function fetchAccount(
  endpoints: DropboxEndpoints,
  accessToken: string,
  signal?: AbortSignal,
): Promise<{ accountId: string; email: string; name: string }> {
  const client = new DropboxClient({
    endpoints,
    tokens: { get: async () => accessToken, expired: async () => undefined },
  });
  const account = await client.rpc<FullAccount>('users/get_current_account', undefined, signal);
  return { accountId: account.account_id, email: account.email, name: account.name.display_name };
}
