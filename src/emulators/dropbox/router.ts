/**
 * Dispatch of `/2/` calls: faults, the route style's Content-Type and argument rules, bearer or
 * app authentication, then the handler; failures are rendered as Dropbox renders them (note §3,
 * §8). Route styles come from a table (note §1), not from the Host header, which a client
 * rewriting URLs loses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ArgError, decodeJson } from './args.js';
import { authenticateApp, authenticateUser } from './bearer.js';
import { decideFault, injectFault } from './faults.js';
import {
  BadRequest,
  RouteFailure,
  drain,
  queryOf,
  readSmallBody,
  sendJson,
  sendText,
} from './http-io.js';
import type { RouteDef } from './route.js';
import { ACCOUNT, type EmulatorState } from './state.js';

/** RPC bodies are small JSON; finish_batch_v2 with 1000 entries stays well below this. */
const MAX_RPC_BODY = 8 * 1024 * 1024;

const CORS_TEXT_PLAIN = 'text/plain; charset=dropbox-cors-hack';
const RPC_TYPES = ['application/json', 'application/json; charset=utf-8', CORS_TEXT_PLAIN];
const UPLOAD_TYPES = ['application/octet-stream', CORS_TEXT_PLAIN];
const DOWNLOAD_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/octet-stream',
  'application/octet-stream; charset=utf-8',
];

function quoteList(types: string[]): string {
  return types.map((type) => `"${type}"`).join(', ');
}

/** Handles one `/2/<namespace>/<route>` call. */
export async function dispatch(
  state: EmulatorState,
  routes: Map<string, RouteDef>,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const fn = path.slice(3);
  const def = routes.get(path);
  try {
    if (!def) {
      drain(req);
      return sendText(res, 404, `Unknown API function: "${fn}"`);
    }
    const methodOk = req.method === 'POST' || (def.style === 'download' && req.method === 'GET');
    if (!methodOk) {
      drain(req);
      return sendText(res, 405, `Error in call to API function "${fn}": Method not allowed`, {
        Allow: def.style === 'download' ? 'GET, POST' : 'POST',
      });
    }

    const fault = decideFault(state, path);
    if (fault && (await injectFault(state, req, res, fault, def.writes === true))) return;

    checkContentType(def, req);
    const token =
      def.auth === 'user' ? authenticateUser(state, req, def.scope) : authenticateApp(state, req);
    checkPathRoot(req);
    const arg = await readArg(def, req);
    const result = await def.handle({ state, req, res, arg, token });
    if (def.style !== 'download') sendJson(res, 200, result ?? null);
  } catch (error) {
    drain(req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    renderFailure(state, res, fn, error);
  }
}

function renderFailure(
  state: EmulatorState,
  res: ServerResponse,
  fn: string,
  error: unknown,
): void {
  if (error instanceof BadRequest) {
    return sendText(res, 400, `Error in call to API function "${fn}": ${error.detail}`);
  }
  if (error instanceof RouteFailure) {
    const summary = `${error.tags.join('/')}/${'.'.repeat(Math.floor(state.summaryRandom() * 4))}`;
    const headers: Record<string, string> =
      error.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="Dropbox-API"' } : {};
    // Dropbox has been seen putting the summary in the reason phrase of 409s (note §8.2).
    const reason = error.status === 409 ? summary : undefined;
    return sendJson(
      res,
      error.status,
      { error_summary: summary, error: error.error },
      headers,
      reason,
    );
  }
  if (isClientGone(error)) {
    res.destroy();
    return;
  }
  sendText(res, 500, 'The emulator failed on this call; this is a bug in the emulator.');
}

function isClientGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'EPIPE';
}

function checkContentType(def: RouteDef, req: IncomingMessage): void {
  const given = req.headers['content-type'];
  const bodyless = !given && isEmptyBody(req);
  if (def.style === 'download') {
    // Downloads take no body; a Content-Type is not needed, and only these are let through
    // [inferred from observed 400 texts; the note's §3.3 has low confidence here].
    if (given !== undefined && given !== '' && !DOWNLOAD_TYPES.includes(given.toLowerCase())) {
      throw new BadRequest(
        `Bad HTTP "Content-Type" header: "${given}".  Expecting one of ${quoteList(DOWNLOAD_TYPES)}.`,
      );
    }
    return;
  }
  // Void RPC routes are called without a body and without a Content-Type (note §3.1).
  if (def.style === 'rpc' && def.arg === null && bodyless) return;
  const allowed = def.style === 'rpc' ? RPC_TYPES : UPLOAD_TYPES;
  if (given === undefined || !allowed.includes(given.toLowerCase())) {
    throw new BadRequest(
      `Bad HTTP "Content-Type" header: "${given ?? ''}".  Expecting one of ${quoteList(allowed)}.`,
    );
  }
}

/**
 * `Dropbox-API-Path-Root` (note §3.6): the single personal account has one namespace, so "home"
 * and that namespace pass; any other is 422 `no_permission` [inferred].
 */
function checkPathRoot(req: IncomingMessage): void {
  const header = req.headers['dropbox-api-path-root'];
  if (typeof header !== 'string') return;
  let root: { '.tag'?: unknown; root?: unknown; namespace_id?: unknown };
  try {
    root = JSON.parse(header) as typeof root;
  } catch {
    throw new BadRequest('HTTP header "Dropbox-API-Path-Root": could not decode input as JSON');
  }
  const tag = root['.tag'];
  if (tag === 'home') return;
  const ns = tag === 'root' ? root.root : tag === 'namespace_id' ? root.namespace_id : undefined;
  if (ns === undefined) throw new BadRequest('HTTP header "Dropbox-API-Path-Root": unknown tag');
  if (ns !== ACCOUNT.namespaceId) {
    throw new RouteFailure(['no_permission'], { '.tag': 'no_permission' }, 422);
  }
}

function isEmptyBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

async function readArg(def: RouteDef, req: IncomingMessage): Promise<unknown> {
  if (def.style === 'rpc') {
    const text = (await readSmallBody(req, MAX_RPC_BODY)).toString('utf8');
    return checkArg(def, text, 'request body', true);
  }

  const header = req.headers['dropbox-api-arg'];
  if (typeof header === 'string') {
    // Node hands header bytes over as latin1: anything past 0x7E was raw, not \u-escaped (§3.4).
    if (/[^\t\x20-\x7e]/.test(header)) {
      throw new BadRequest('HTTP header "Dropbox-API-Arg": could not decode input as JSON');
    }
    return checkArg(def, header, 'HTTP header "Dropbox-API-Arg"', false);
  }
  const param = queryOf(req).get('arg');
  if (param !== null) return checkArg(def, param, 'URL parameter "arg"', false);
  if (def.arg === null) return undefined;
  throw new BadRequest('Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".');
}

function checkArg(def: RouteDef, text: string, where: string, voidMayBeEmpty: boolean): unknown {
  try {
    if (def.arg === null) {
      if ((voidMayBeEmpty && text === '') || text.trim() === 'null') return undefined;
      const value = decodeJson(text);
      throw new ArgError(`expected null, got ${value === null ? 'null' : typeof value}`);
    }
    return def.arg(decodeJson(text), '');
  } catch (error) {
    if (error instanceof ArgError) throw new BadRequest(`${where}: ${error.message}`);
    throw error;
  }
}
