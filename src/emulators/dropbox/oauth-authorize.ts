/**
 * `/oauth2/authorize` as a consent page for the single demo account (note §2.1, §2.2). GET shows
 * the page: one form posting the request's parameters back with a CSRF token of the emulator's
 * own, and Allow / Cancel buttons. POST carries the decision out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  checkAuthorize,
  errorRedirect,
  withParams,
  type AuthorizeRequest,
} from './authorize-request.js';
import { escapeHtml, queryOf, readSmallBody, sendHtml } from './http-io.js';
import { randomToken } from './random.js';
import { ACCOUNT, type EmulatorState } from './state.js';
import { CODE_LIFETIME_MS } from './tokens.js';

/** CSRF tokens handed out with consent pages: single use, as long-lived as a code. */
const csrfTokens = new WeakMap<EmulatorState, Map<string, number>>();

function csrfStore(state: EmulatorState): Map<string, number> {
  let store = csrfTokens.get(state);
  if (!store) csrfTokens.set(state, (store = new Map()));
  return store;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} - Dropbox emulator</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

function errorPage(res: ServerResponse, message: string): void {
  sendHtml(res, 400, page('Authorization failed', `<p id="error">${escapeHtml(message)}</p>`));
}

function consentPage(params: URLSearchParams, request: AuthorizeRequest, csrf: string): string {
  const hidden = [...params]
    .filter(([key]) => key !== 'csrf_token' && key !== 'decision')
    .map(
      ([key, value]) =>
        `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`,
    )
    .join('\n');
  const access =
    request.tokenAccessType === 'offline' ? ' It will keep access while you are away.' : '';
  return page(
    `Allow ${request.app.key} to access your Dropbox?`,
    `<p>Signed in as <span id="account-name">${ACCOUNT.givenName} ${ACCOUNT.surname}</span>
(<span id="account-email">${ACCOUNT.email}</span>).</p>
<p>The app <strong id="app-name">${escapeHtml(request.app.key)}</strong> asks for:
<span id="scopes">${escapeHtml(request.scopes.join(' '))}</span>.${access}</p>
<form method="post" action="/oauth2/authorize">
${hidden}
<input type="hidden" name="csrf_token" value="${csrf}">
<button name="decision" value="allow">Allow</button>
<button name="decision" value="deny">Cancel</button>
</form>`,
  );
}

/** GET: the consent page, or an error page / error redirect for a bad request. */
export function showConsent(state: EmulatorState, req: IncomingMessage, res: ServerResponse): void {
  const params = queryOf(req);
  const checked = checkAuthorize(params, state.apps, state.allowedRedirectHosts);
  if ('page' in checked) return errorPage(res, checked.page);
  if ('redirect' in checked) return redirect(res, errorRedirect(checked.redirect));

  const csrf = randomToken(32);
  csrfStore(state).set(csrf, Date.now() + CODE_LIFETIME_MS);
  sendHtml(res, 200, consentPage(params, checked.ok, csrf));
}

/** POST: Allow issues a code (or a token), Cancel answers access_denied. */
export async function decide(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const params = new URLSearchParams((await readSmallBody(req, 64 * 1024)).toString('utf8'));
  const csrf = params.get('csrf_token') ?? '';
  const store = csrfStore(state);
  const expiry = store.get(csrf);
  store.delete(csrf);
  if (expiry === undefined || expiry < Date.now()) {
    return sendHtml(
      res,
      403,
      page(
        'Authorization failed',
        '<p id="error">The form has expired or was not issued here. Start the authorization again.</p>',
      ),
    );
  }

  const checked = checkAuthorize(params, state.apps, state.allowedRedirectHosts);
  if ('page' in checked) return errorPage(res, checked.page);
  if ('redirect' in checked) return redirect(res, errorRedirect(checked.redirect));
  const request = checked.ok;
  const decision = params.get('decision');

  if (decision === 'deny') {
    const denial = {
      error: 'access_denied',
      description: 'The user chose not to give your app access to their Dropbox account.',
      fragment: request.responseType === 'token',
      ...(request.state !== undefined && { state: request.state }),
    };
    if (request.redirectUri === undefined)
      return errorPage(res, `${denial.error}: ${denial.description}`);
    return redirect(res, errorRedirect({ uri: request.redirectUri, ...denial }));
  }
  if (decision !== 'allow') return errorPage(res, 'decision must be "allow" or "deny".');

  if (request.responseType === 'token') return implicitGrant(state, res, request);
  const code = state.tokens.newCode({
    appKey: request.app.key,
    redirectUri: request.redirectUri,
    challenge: request.challenge,
    challengeMethod: request.challengeMethod,
    tokenAccessType: request.tokenAccessType,
    scopes: request.scopes,
    expiresAt: Date.now() + CODE_LIFETIME_MS,
  });
  if (request.redirectUri === undefined) {
    // No-redirect flow: the user copies the code into the app (note §2.2).
    return sendHtml(
      res,
      200,
      page(
        'Enter this code into the app',
        `<p>Copy this code:</p>\n<p><code id="auth-code">${code}</code></p>`,
      ),
    );
  }
  const params2 = new URLSearchParams({ code });
  if (request.state !== undefined) params2.set('state', request.state);
  redirect(res, withParams(request.redirectUri, params2, false));
}

/** Legacy token flow: the access token in the redirect's fragment (note §2.1). */
function implicitGrant(state: EmulatorState, res: ServerResponse, request: AuthorizeRequest): void {
  const grant = state.tokens.newGrant(
    {
      ...request,
      appKey: request.app.key,
      redirectUri: request.redirectUri,
      expiresAt: 0,
      tokenAccessType: 'online',
    },
    false,
  );
  const minted = state.tokens.mint(grant, request.scopes, request.tokenAccessType === 'legacy');
  const params = new URLSearchParams({
    access_token: minted.token,
    token_type: 'bearer',
    account_id: ACCOUNT.accountId,
    uid: ACCOUNT.uid,
  });
  if (minted.expiresIn !== undefined) params.set('expires_in', String(minted.expiresIn));
  if (request.state !== undefined) params.set('state', request.state);
  redirect(res, withParams(request.redirectUri ?? '', params, true));
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': '0' });
  res.end();
}
