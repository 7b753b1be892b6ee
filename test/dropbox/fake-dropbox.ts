/**
 * A small stand-in for Dropbox written for these unit tests (not the emulator): just enough of the
 * wire format of api/dropbox.md to drive the client, with hooks to inject faults per call.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  route: string;
  arg: Record<string, unknown> | undefined;
  body: Buffer;
  /** 1-based count of calls to this route so far, this one included. */
  n: number;
  headers: IncomingMessage['headers'];
}

export type Intercept =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string> }
  /** Destroy the socket before doing anything. */
  | 'drop'
  /** Do the work, then destroy the socket instead of answering (a lost response). */
  | 'drop-after';

export interface StoredFile {
  path: string;
  bytes: Buffer;
  rev: string;
  id: string;
}

const MiB = 1024 * 1024;

/** The reference content hash, written independently of src/dropbox/content-hash.ts. */
export function referenceHash(bytes: Buffer): string {
  const digests: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 4 * MiB) {
    digests.push(
      createHash('sha256')
        .update(bytes.subarray(i, i + 4 * MiB))
        .digest(),
    );
  }
  return createHash('sha256').update(Buffer.concat(digests)).digest('hex');
}

const summary = (tags: string[]): string => `${tags.join('/')}/..`;

export class FakeDropbox {
  url = '';
  readonly calls: Received[] = [];
  readonly files = new Map<string, StoredFile>();
  readonly sessions = new Map<string, { data: Buffer; closed: boolean; committed: boolean }>();
  readonly links = new Map<string, string>();
  /** Access tokens accepted; those in `expired` answer expired_access_token. */
  readonly accessTokens = new Set<string>(['sl.initial-access-token-0001']);
  readonly expired = new Set<string>();
  refreshToken = 'fake-refresh-token-abcdef';
  refreshRevoked = false;
  refreshes = 0;
  /** Seconds of life for issued access tokens. */
  expiresIn = 14_400;
  /** Shared-link-exists answers: with the metadata embedded, or bare. */
  linkExistsShape: 'metadata' | 'bare' = 'metadata';
  /** Tamper with upload results (hash mismatch tests). */
  corruptHash = false;
  intercept: (call: Received) => Intercept | undefined = () => undefined;
  /** Milliseconds each /2/files/upload call takes; `inFlight`/`maxInFlight` count the overlap. */
  uploadDelayMs = 0;
  inFlight = 0;
  maxInFlight = 0;
  readonly codes = new Map<
    string,
    { challenge: string; redirectUri: string | undefined; used: boolean }
  >();
  lastTokenRequest: { params: URLSearchParams; authorization: string | undefined } | undefined;
  consent: 'allow' | 'deny' | 'wrong-state' = 'allow';
  private counts = new Map<string, number>();
  private server = createServer((req, res) => void this.handle(req, res));
  private tokenCounter = 1;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get endpoints(): { authorize: string; api: string; content: string } {
    return { authorize: this.url, api: this.url, content: this.url };
  }

  count(route: string): number {
    return this.counts.get(route) ?? 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    const route = url.pathname;
    const n = (this.counts.get(route) ?? 0) + 1;
    this.counts.set(route, n);

    let arg: Record<string, unknown> | undefined;
    const header = req.headers['dropbox-api-arg'];
    if (typeof header === 'string') arg = JSON.parse(header) as Record<string, unknown>;
    else if (route.startsWith('/2/') && body.length)
      arg = JSON.parse(body.toString('utf8')) as Record<string, unknown>;

    const call: Received = { route, arg, body, n, headers: req.headers };
    this.calls.push(call);

    const intercept = this.intercept(call);
    if (intercept === 'drop') {
      req.socket.destroy();
      return;
    }
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      if (intercept === 'drop-after') {
        req.socket.destroy();
        return;
      }
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, {
        'content-type':
          typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
        ...headers,
      });
      res.end(text);
    };
    if (intercept && intercept !== 'drop-after') {
      send(intercept.status, intercept.json ?? intercept.text ?? '', intercept.headers);
      return;
    }

    if (route === '/2/files/upload' && this.uploadDelayMs) {
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      await new Promise((resolve) => setTimeout(resolve, this.uploadDelayMs));
      this.inFlight--;
    }
    if (route === '/oauth2/authorize') return this.authorizePage(url, res);
    if (route === '/oauth2/token') return this.token(body, req, send);

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.accessTokens.has(token)) {
      return send(401, {
        error_summary: summary(['invalid_access_token']),
        error: { '.tag': 'invalid_access_token' },
      });
    }
    if (this.expired.has(token)) {
      return send(401, {
        error_summary: summary(['expired_access_token']),
        error: { '.tag': 'expired_access_token' },
      });
    }
    this.route(route, arg ?? {}, body, token, send);
  }

  private authorizePage(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirect = q.get('redirect_uri') ?? undefined;
    const code = `code-${randomBytes(8).toString('hex')}`;
    this.codes.set(code, {
      challenge: q.get('code_challenge') ?? '',
      redirectUri: redirect,
      used: false,
    });
    if (!redirect) {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<p>Your code: <code>${code}</code></p>`);
      return;
    }
    const target = new URL(redirect);
    if (this.consent === 'deny') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user chose not to give your app access.');
    } else target.searchParams.set('code', code);
    target.searchParams.set(
      'state',
      this.consent === 'wrong-state' ? 'forged-state' : (q.get('state') ?? ''),
    );
    res.writeHead(302, { location: target.href }).end();
  }

  private token(body: Buffer, req: IncomingMessage, send: (s: number, p: unknown) => void): void {
    const params = new URLSearchParams(body.toString('utf8'));
    this.lastTokenRequest = { params, authorization: req.headers.authorization };
    const grant = params.get('grant_type');
    const invalid = (description: string): void =>
      send(400, { error: 'invalid_grant', error_description: description });

    if (grant === 'refresh_token') {
      if (this.refreshRevoked || params.get('refresh_token') !== this.refreshToken) {
        return invalid('refresh token is invalid or revoked');
      }
      this.refreshes++;
      return send(200, {
        access_token: this.issue(),
        token_type: 'bearer',
        expires_in: this.expiresIn,
      });
    }
    if (grant === 'authorization_code') {
      const entry = this.codes.get(params.get('code') ?? '');
      if (!entry || entry.used) return invalid("code doesn't exist or has expired");
      entry.used = true;
      if ((params.get('redirect_uri') ?? undefined) !== entry.redirectUri)
        return invalid('redirect_uri mismatch');
      const verifier = params.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== entry.challenge) {
        return invalid('invalid code_verifier');
      }
      return send(200, {
        access_token: this.issue(),
        token_type: 'bearer',
        expires_in: this.expiresIn,
        refresh_token: this.refreshToken,
        scope: 'account_info.read files.content.write',
        account_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
        uid: '12345',
      });
    }
    send(400, { error: 'unsupported_grant_type' });
  }

  private issue(): string {
    const token = `sl.fake-access-${this.tokenCounter++}-${randomBytes(6).toString('hex')}`;
    this.accessTokens.add(token);
    return token;
  }

  private route(
    route: string,
    arg: Record<string, unknown>,
    body: Buffer,
    token: string,
    send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): void {
    const conflict = (tags: string[], error: unknown): void =>
      send(409, { error_summary: summary(tags), error });
    const checkHash = (): boolean => {
      if (typeof arg.content_hash === 'string' && arg.content_hash !== referenceHash(body)) {
        conflict(['content_hash_mismatch'], { '.tag': 'content_hash_mismatch' });
        return false;
      }
      return true;
    };

    switch (route) {
      case '/2/files/upload': {
        if (!checkHash()) return;
        const result = this.commit(arg as unknown as Commit, body);
        if ('tags' in result) return conflict(result.tags, result.error);
        return send(200, this.metadata(result));
      }
      case '/2/files/upload_session/start': {
        if (!checkHash()) return;
        const id = `pid_upload_session:${randomBytes(8).toString('hex')}`;
        this.sessions.set(id, { data: body, closed: arg.close === true, committed: false });
        return send(200, { session_id: id });
      }
      case '/2/files/upload_session/append_v2':
      case '/2/files/upload_session/finish': {
        const finishing = route.endsWith('finish');
        const cursor = arg.cursor as { session_id: string; offset: number };
        const session = this.sessions.get(cursor.session_id);
        const lookup = (inner: Record<string, unknown>): void =>
          finishing
            ? conflict(['lookup_failed', String(inner['.tag'])], {
                '.tag': 'lookup_failed',
                lookup_failed: inner,
              })
            : conflict([String(inner['.tag'])], inner);
        if (!session) return lookup({ '.tag': 'not_found' });
        if (session.committed || session.closed) return lookup({ '.tag': 'closed' });
        if (cursor.offset !== session.data.length) {
          return lookup({ '.tag': 'incorrect_offset', correct_offset: session.data.length });
        }
        if (!checkHash()) return;
        session.data = Buffer.concat([session.data, body]);
        if (!finishing) {
          if (arg.close === true) session.closed = true;
          return send(200, null);
        }
        const result = this.commit(arg.commit as Commit, session.data);
        if ('tags' in result)
          return conflict(['path', ...result.tags.slice(1)], {
            '.tag': 'path',
            path: result.error.reason,
          });
        session.committed = true;
        return send(200, this.metadata(result));
      }
      case '/2/files/get_metadata': {
        const file = this.files.get(String(arg.path).toLowerCase());
        if (!file)
          return conflict(['path', 'not_found'], { '.tag': 'path', path: { '.tag': 'not_found' } });
        return send(200, { '.tag': 'file', ...this.metadata(file) });
      }
      case '/2/sharing/create_shared_link_with_settings': {
        const key = String(arg.path).toLowerCase();
        const file = this.files.get(key);
        if (!file)
          return conflict(['path', 'not_found'], { '.tag': 'path', path: { '.tag': 'not_found' } });
        const existing = this.links.get(key);
        if (existing) {
          return this.linkExistsShape === 'bare'
            ? conflict(['shared_link_already_exists'], { '.tag': 'shared_link_already_exists' })
            : conflict(['shared_link_already_exists', 'metadata'], {
                '.tag': 'shared_link_already_exists',
                shared_link_already_exists: {
                  '.tag': 'metadata',
                  metadata: { '.tag': 'file', url: existing, path_lower: key },
                },
              });
        }
        const url = `https://www.dropbox.com/scl/fi/${randomBytes(6).toString('hex')}/${encodeURIComponent(file.path.split('/').pop()!)}?dl=0`;
        this.links.set(key, url);
        return send(200, { '.tag': 'file', url, path_lower: key });
      }
      case '/2/sharing/list_shared_links': {
        const key = String(arg.path).toLowerCase();
        const url = this.links.get(key);
        return send(200, {
          links: url ? [{ '.tag': 'file', url, path_lower: key }] : [],
          has_more: false,
        });
      }
      case '/2/users/get_current_account':
        return send(200, {
          account_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
          name: { display_name: 'Franz Ferdinand (Personal)' },
          email: 'franz@example.com',
        });
      case '/2/auth/token/revoke':
        this.accessTokens.delete(token);
        this.refreshRevoked = true;
        return send(200, null);
      default:
        return send(400, `Error in call to API function "${route.slice(3)}": Unknown API function`);
    }
  }

  private commit(
    commit: Commit,
    bytes: Buffer,
  ): StoredFile | { tags: string[]; error: { reason: unknown } } {
    let path = commit.path;
    const existing = this.files.get(path.toLowerCase());
    if (existing && !existing.bytes.equals(bytes)) {
      if (commit.mode === 'add' && !commit.autorename) {
        return {
          tags: ['path', 'conflict', 'file'],
          error: { reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } } },
        };
      }
      if (commit.mode === 'add') {
        const dot = path.lastIndexOf('.');
        for (let i = 2; this.files.has(path.toLowerCase()); i++) {
          path = `${commit.path.slice(0, dot)} (${i})${commit.path.slice(dot)}`;
        }
      }
    } else if (existing) return existing;
    const file = {
      path,
      bytes,
      rev: randomBytes(6).toString('hex'),
      id: `id:${randomBytes(8).toString('hex')}`,
    };
    this.files.set(path.toLowerCase(), file);
    return file;
  }

  private metadata(file: StoredFile): Record<string, unknown> {
    return {
      name: file.path.split('/').pop(),
      id: file.id,
      rev: file.rev,
      size: file.bytes.length,
      path_lower: file.path.toLowerCase(),
      path_display: file.path,
      content_hash: this.corruptHash ? 'f'.repeat(64) : referenceHash(file.bytes),
    };
  }
}

interface Commit {
  path: string;
  mode: 'add' | 'overwrite';
  autorename?: boolean;
}

/** A started fake with one destination's tokens saved in `stateDir`. */
export async function startFake(): Promise<FakeDropbox> {
  return new FakeDropbox().start();
}
