/**
 * A pass-through HTTP proxy in front of the BI emulator. It sees what bidrop cannot be asked
 * about: the logon tokens the platform hands out (to search for them afterwards), and it can cut
 * an export's connection in the middle of its body, exactly once, where a random drop fault
 * would only sometimes land.
 */
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BiProxy {
  /** Base URL to give bidrop instead of the emulator's, e.g. `http://127.0.0.1:PORT/biprws`. */
  readonly url: string;
  /** Raw logon tokens seen in logon answers (header copy, unquoted). */
  readonly logonTokens: Set<string>;
  /** Export bodies cut so far. */
  readonly cuts: number;
  /** Cut the body of the next `n` exports after half of it went out. */
  cutExports(n: number): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 port 0 forwarding to the emulator at `target` (its base URL). */
export async function startBiProxy(target: string): Promise<BiProxy> {
  const upstream = new URL(target);
  const logonTokens = new Set<string>();
  let toCut = 0;
  let cuts = 0;

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        const token = one(answer.headers, 'x-sap-logontoken');
        if (token) logonTokens.add(token.replace(/^"|"$/g, ''));

        const cut = isExport(req) && answer.statusCode === 200 && toCut > 0;
        if (!cut) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        toCut--;
        cutMidway(answer, res);
      },
    );
    outgoing.on('error', () => res.destroy());
    req.pipe(outgoing);
  }

  function cutMidway(answer: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => chunks.push(chunk));
    answer.on('end', () => {
      const body = Buffer.concat(chunks);
      const { 'content-length': _length, 'transfer-encoding': _encoding, ...rest } = answer.headers;
      res.writeHead(200, { ...rest, 'content-length': String(body.length) });
      // Headers and half the file reach the client, then the connection dies.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        cuts++;
        setTimeout(() => res.socket?.destroy(), 20);
      });
    });
  }

  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    logonTokens,
    get cuts() {
      return cuts;
    },
    cutExports(n) {
      toCut = n;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** An export is a Raylight GET asking for a file type rather than JSON or XML. */
function isExport(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  const wire = /^application\/(json|xml)\b/.test(accept);
  return req.method === 'GET' && /\/raylight\//.test(req.url ?? '') && !wire;
}

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
