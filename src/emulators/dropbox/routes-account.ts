/** auth/token/revoke, check/user, check/app, users/get_current_account (note §2.5–2.7). */
import { opt, strMax, struct } from './args.js';
import { route, type RouteDef } from './route.js';
import { ACCOUNT } from './state.js';

const revoke = route(null, {
  style: 'rpc',
  auth: 'user',
  async handle({ state, token }) {
    if (token) state.tokens.revoke(token);
    return null;
  },
});

const echo = struct({ query: opt(strMax(500), '') });

const checkUser = route(echo, {
  style: 'rpc',
  auth: 'user',
  scope: 'account_info.read',
  handle: async ({ arg }) => ({ result: arg.query }),
});

const checkApp = route(echo, {
  style: 'rpc',
  auth: 'app',
  handle: async ({ arg }) => ({ result: arg.query }),
});

const currentAccount = route(null, {
  style: 'rpc',
  auth: 'user',
  scope: 'account_info.read',
  handle: async () => ({
    account_id: ACCOUNT.accountId,
    name: {
      given_name: ACCOUNT.givenName,
      surname: ACCOUNT.surname,
      familiar_name: ACCOUNT.givenName,
      display_name: `${ACCOUNT.givenName} ${ACCOUNT.surname}`,
      abbreviated_name: `${ACCOUNT.givenName[0]}${ACCOUNT.surname[0]}`,
    },
    email: ACCOUNT.email,
    email_verified: true,
    disabled: false,
    country: 'US',
    locale: 'en',
    referral_link: 'https://db.tt/bidropdemo',
    is_paired: false,
    account_type: { '.tag': 'basic' },
    root_info: {
      '.tag': 'user',
      root_namespace_id: ACCOUNT.namespaceId,
      home_namespace_id: ACCOUNT.namespaceId,
    },
  }),
});

export const accountRoutes: Array<[string, RouteDef]> = [
  ['/2/auth/token/revoke', revoke],
  ['/2/check/user', checkUser],
  ['/2/check/app', checkApp],
  ['/2/users/get_current_account', currentAccount],
];
