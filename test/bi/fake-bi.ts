/**
 * A small stand-in for the BI platform, written for these unit tests only: logon/logoff with
 * token checks and a few routes each test adds. It records every request so tests can assert
 * headers, paths and counts. It listens on 127.0.0.1, port 0.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** The token the request carried, quotes stripped; undefined without the header. */
  token: string | undefined;
}

export type Handler = (req: FakeRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeBiOptions {
  password?: string;
  /** Answer logons with the licence error while this many sessions are open. */
  maxSessions?: number;
  /** Send the token only in the body, not in the header. */
  tokenInBodyOnly?: boolean;
}

export interface FakeBi {
  url: string;
  requests: FakeRequest[];
  sessions: Set<string>;
  stats: { logons: number; logoffs: number; maxOpen: number };
  route(method: string, path: string | RegExp, handler: Handler): void;
  /** Forgets every token, as a server does when sessions time out. */
  expireAll(): void;
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

export async function startFakeBi(options: FakeBiOptions = {}): Promise<FakeBi> {
  const password = options.password ?? 'Secret-Pass-1';
  const routes: Array<{ method: string; path: string | RegExp; handler: Handler }> = [];
  const requests: FakeRequest[] = [];
  const sessions = new Set<string>();
  const stats = { logons: 0, logoffs: 0, maxOpen: 0 };
  let serial = 0;

  const server = createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://x');
      const raw = incoming.headers['x-sap-logontoken'];
      const header = Array.isArray(raw) ? raw[0] : raw;
      const req: FakeRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname.replace(/^\/biprws/, ''),
        query: url.searchParams,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        token: header === undefined ? undefined : header.replace(/^"(.*)"$/, '$1'),
      };
      requests.push(req);
      void handle(req, res);
    });
  });

  async function handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    if (req.method === 'POST' && req.path === '/logon/long') {
      const body = JSON.parse(req.body || '{}') as Record<string, string>;
      if (body.password !== password) {
        return sendJson(res, 401, {
          error_code: 'FWB 00008',
          message: 'Account information not recognized. (FWB 00008)',
        });
      }
      if (options.maxSessions !== undefined && sessions.size >= options.maxSessions) {
        return sendJson(res, 401, {
          error_code: 'FWB 00014',
          message: 'All of your system licenses are in use at this time. (FWB 00014)',
        });
      }
      const token = `fake:6400@{3&2=${++serial},U3&68=secEnterprise:${body.userName}}`;
      sessions.add(token);
      stats.logons++;
      stats.maxOpen = Math.max(stats.maxOpen, sessions.size);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (!options.tokenInBodyOnly) headers['x-sap-logontoken'] = `"${token}"`;
      res.writeHead(200, headers).end(JSON.stringify({ logonToken: token }));
      return;
    }

    if (!req.token || !sessions.has(req.token)) {
      return sendJson(
        res,
        401,
        req.path.startsWith('/raylight')
          ? { error: { error_code: 'WSR 00002', message: 'Invalid session token. (WSR 00002)' } }
          : { error_code: 'FWB 00003', message: 'Not a valid logon token. (FWB 00003)' },
      );
    }
    if (req.method === 'POST' && req.path === '/logoff') {
      sessions.delete(req.token);
      stats.logoffs++;
      res.writeHead(200).end();
      return;
    }

    for (const route of routes) {
      const matches =
        typeof route.path === 'string' ? route.path === req.path : route.path.test(req.path);
      if (route.method === req.method && matches) return route.handler(req, res);
    }
    sendJson(res, 404, {
      error: { error_code: 'WSR 00400', message: `Resource ${req.path} not found. (WSR 00400)` },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/biprws`,
    requests,
    sessions,
    stats,
    route: (method, path, handler) => routes.push({ method, path, handler }),
    expireAll: () => sessions.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A connection to the fake, with the right password unless told otherwise. */
export function connectionTo(
  fake: FakeBi,
  overrides: { password?: string; sessions?: number } = {},
) {
  return {
    url: fake.url,
    username: 'Administrator',
    password: overrides.password ?? 'Secret-Pass-1',
    auth: 'secEnterprise' as const,
    sessions: overrides.sessions ?? 2,
  };
}

/** Fast retries for tests: the policy's shape, with waits of a few milliseconds. */
export const quickRetry = {
  retries: 2,
  baseDelayMs: 1,
  maxDelayMs: 5,
  maxRetryAfterMs: 1000,
  jitter: 0,
};
