/**
 * The loopback redirect target for the authorisation-code flow: a node:http server on
 * 127.0.0.1 (and ::1 when available, since a browser may resolve `localhost` to either), which
 * answers one GET on the callback path and hands its query parameters back.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { AbortedError, DropboxError } from '../core/index.js';

export interface LoopbackReceiver {
  /** The port actually listened on. */
  port: number;
  /** Resolves with the callback's query parameters; rejects on timeout or abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<URLSearchParams>;
  close(): Promise<void>;
}

const page = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>`;

/** Starts listening on `port` (0 = any free port) for a GET on `callbackPath`. */
export async function startLoopbackReceiver(
  port: number,
  callbackPath: string,
): Promise<LoopbackReceiver> {
  let deliver: (params: URLSearchParams) => void = () => undefined;
  const received = new Promise<URLSearchParams>((resolve) => (deliver = resolve));

  const handler = (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== callbackPath) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    const failed = url.searchParams.has('error');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(
        failed
          ? page(
              'Not authorised',
              'Dropbox did not grant access. You can close this window and look at the terminal.',
            )
          : page('bidrop is authorised', 'You can close this window and return to the terminal.'),
      );
    deliver(url.searchParams);
  };

  const v4 = createServer(handler);
  await listen(v4, port, '127.0.0.1');
  const actual = (v4.address() as AddressInfo).port;
  const servers: Server[] = [v4];
  const v6 = createServer(handler);
  try {
    await listen(v6, actual, '::1');
    servers.push(v6);
  } catch {
    // No IPv6 loopback here: browsers fall back to 127.0.0.1.
  }

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  };

  return {
    port: actual,
    close,
    async wait(timeoutMs, signal) {
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const stop = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new DropboxError(
                'DROPBOX_AUTH_TIMEOUT',
                `No answer from the browser within ${Math.round(timeoutMs / 1000)} s`,
                {
                  hint: 'Run `bidrop auth dropbox` again, or add --no-browser to paste the code instead.',
                },
              ),
            ),
          timeoutMs,
        );
        onAbort = () => reject(new AbortedError(undefined, signal?.reason));
        if (signal?.aborted) onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      try {
        return await Promise.race([received, stop]);
      } finally {
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
