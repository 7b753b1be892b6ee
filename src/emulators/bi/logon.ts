/**
 * `/logon/long` (template and logon) and `/logoff`, also under `/v1` (bi4-rest.md 2.1-2.4, 2.6).
 */
import { timingSafeEqual } from 'node:crypto';

import { requireSession, sendJson, sendRaw, sendXml, type Exchange } from './exchange.js';
import { asArray, escapeXml, field, parseBody, readText, textOf, WireError } from './wire.js';

const AUTH_TYPES = ['secEnterprise', 'secLDAP', 'secWinAD', 'secSAPR3'];
const BIP_NS = 'http://www.sap.com/rws/bip';

function template(): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<attrs xmlns="${BIP_NS}">` +
    `<attr name="userName" type="string"/><attr name="password" type="string"/>` +
    `<attr name="auth" type="string" possibilities="${AUTH_TYPES.join(',')}">secEnterprise</attr>` +
    `</attrs>`
  );
}

/** The fields of a logon body: JSON `{userName,...}` or XML `<attrs><attr name=...>`. */
function credentials(body: unknown): Record<string, string> {
  const attrs = field(body, 'attrs');
  if (attrs === undefined) {
    const out: Record<string, string> = {};
    for (const key of ['userName', 'password', 'auth']) {
      const value = textOf(field(body, key));
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  const out: Record<string, string> = {};
  for (const attr of asArray(field(attrs, 'attr'))) {
    const name = textOf(field(attr, '@name'));
    if (name !== undefined) out[name] = textOf(field(attr, '$')) ?? '';
  }
  return out;
}

function samePassword(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function logonResult(ex: Exchange, token: string): void {
  // The header copy is quoted, the body copy is not (bi4-rest.md 2.3).
  const headers = { 'X-SAP-LogonToken': `"${token}"` };
  if (ex.format === 'json') {
    sendRaw(
      ex,
      200,
      JSON.stringify({ logonToken: token }),
      'application/json;charset=UTF-8',
      headers,
    );
    return;
  }
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<entry xmlns="http://www.w3.org/2005/Atom">` +
    `<author><name>@emulator:6400</name></author><title type="text">Logon Result</title>` +
    `<updated>${new Date().toISOString()}</updated><content type="application/xml">` +
    `<attrs xmlns="${BIP_NS}"><attr name="logonToken" type="string">${escapeXml(token)}</attr></attrs>` +
    `</content></entry>`;
  sendRaw(ex, 200, xml, 'application/xml;charset=UTF-8', headers);
}

/** `GET /logon/long` returns the template; `POST` logs on. */
export async function handleLogon(ex: Exchange): Promise<void> {
  if (ex.method === 'GET') {
    if (ex.format === 'json')
      sendJson(ex, 200, { userName: '', password: '', auth: 'secEnterprise' });
    else sendXml(ex, 200, template());
    return;
  }
  if (ex.method !== 'POST')
    throw new WireError(405, 'RWS 00005', 'Use GET or POST on /logon/long.');

  const fields = credentials(parseBody(await readText(ex.req), ex.req.headers['content-type']));
  const auth = fields.auth === undefined || fields.auth === '' ? 'secEnterprise' : fields.auth;
  const user = fields.userName ?? '';
  const expected = ex.state.users[user];
  if (
    !AUTH_TYPES.includes(auth) ||
    expected === undefined ||
    !samePassword(fields.password ?? '', expected)
  ) {
    throw new WireError(
      401,
      'FWB 00008',
      'Account information not recognized: Please make sure your logon information is correct.',
    );
  }

  // The note found no error for exhausted licences (bi4-rest.md 10.3); this code and status are
  // the emulator's choice: 401, as for any refused logon, with a message that says why.
  if (ex.state.sessions.size >= ex.state.maxSessions) {
    throw new WireError(
      401,
      'FWB 00025',
      `All of your system's ${ex.state.maxSessions} Concurrent Logon licenses are in use at this time. Try again later.`,
    );
  }

  const host = ex.req.socket.localAddress?.includes(':') ? 'localhost' : 'emulator';
  const session = ex.state.sessions.create(user, auth, host);
  ex.state.counters.logons += 1;
  logonResult(ex, session.token);
}

/** `POST /logoff`: ends the session and closes its documents; a bad token is `FWM 02024`. */
export function handleLogoff(ex: Exchange): void {
  if (ex.method !== 'POST') throw new WireError(405, 'RWS 00005', 'Use POST on /logoff.');
  let session;
  try {
    session = requireSession(ex);
  } catch {
    throw new WireError(401, 'FWM 02024', 'The argument has an invalid value token');
  }
  ex.state.sessions.end(session);
  ex.state.counters.logoffs += 1;
  sendRaw(ex, 200, '', ex.format === 'json' ? 'application/json' : 'application/xml');
}
