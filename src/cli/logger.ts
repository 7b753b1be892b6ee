/**
 * The CLI's logger. Library code never logs; the CLI and the server own this pino instance. Every
 * line passes through `redact()` on its way out, so a registered secret cannot reach the stream
 * even if some code put it in a message by mistake.
 */
import { Writable } from 'node:stream';

import { pino, type Logger, type Level } from 'pino';

import { redact } from '../core/index.js';

export type { Logger };

export interface LoggerOptions {
  level: Level | 'silent';
  /** JSON lines (for machines and `bidrop serve`); otherwise short human lines. */
  json: boolean;
  stream?: NodeJS.WritableStream;
}

const levelNames: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Formats pino's JSON lines as `level message key=value ...` for a person at a terminal. */
function humanStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const {
            level,
            msg,
            time: _t,
            pid: _p,
            hostname: _h,
            ...rest
          } = JSON.parse(line) as {
            level: number;
            msg?: string;
            [key: string]: unknown;
          };
          const fields = Object.entries(rest)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ');
          out.write(`${levelNames[level] ?? level}: ${msg ?? ''}${fields ? ` ${fields}` : ''}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

export function createLogger(options: LoggerOptions): Logger {
  const out = options.stream ?? process.stderr;
  const destination = options.json ? out : humanStream(out);

  return pino(
    {
      level: options.level,
      base: options.json ? { pid: process.pid } : {},
      hooks: { streamWrite: (line) => redact(line) },
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream,
  );
}
