/**
 * `bidrop export ID|CUID|PATH --format FMT [--report NAME] [--prompt Name=Value]... -o FILE`.
 * The export streams into a temporary file beside the target, renamed at the end, so a failure or
 * Ctrl-C never leaves a partial file under the asked name.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { createBiSource } from '../../bi/index.js';
import {
  AbortedError,
  ConfigError,
  type DocumentRef,
  type ExportFormat,
} from '../../core/index.js';
import { biConnectionFor, type BiFlags } from '../bi-connection.js';
import { ExitCode, type CliContext } from '../context.js';

interface Options extends BiFlags {
  format?: ExportFormat;
  report?: string;
  prompt?: string[];
  output?: string;
}

/** `12345` is an id, `/Sales/Daily/Revenue` a path, anything else a CUID. */
export function parseDocumentRef(text: string): DocumentRef {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { kind: 'id', id: Number(trimmed) };
  if (trimmed.startsWith('/')) return { kind: 'path', path: trimmed };
  if (!trimmed) {
    throw new ConfigError('USAGE_DOCUMENT', 'No document given', {
      hint: 'Give a document id, a CUID or a path such as "/Sales/Revenue".',
    });
  }
  return { kind: 'cuid', cuid: trimmed };
}

/** `--prompt "Name=Value"` repeated: values of the same name accumulate in order. */
export function parsePromptFlags(flags: string[] = []): Record<string, string[]> {
  const answers: Record<string, string[]> = {};
  for (const flag of flags) {
    const at = flag.indexOf('=');
    const name = at < 0 ? '' : flag.slice(0, at).trim();
    if (!name) {
      throw new ConfigError('USAGE_PROMPT', `--prompt "${flag}" is not Name=Value`, {
        hint: 'Write it like --prompt "Region=EMEA"; repeat it for more values.',
      });
    }
    (answers[name] ??= []).push(flag.slice(at + 1));
  }
  return answers;
}

export default async function exportCommand(
  ctx: CliContext,
  args: string[],
  options: Options,
): Promise<number> {
  const document = parseDocumentRef(args[0] ?? '');
  const prompts = parsePromptFlags(options.prompt);
  const output = path.resolve(options.output ?? '');
  const format = options.format ?? 'pdf';
  const folder = await stat(path.dirname(output)).catch(() => undefined);
  if (!folder?.isDirectory()) {
    throw new ConfigError('USAGE_OUTPUT', `No folder ${path.dirname(output)} to write into`, {
      hint: 'Create the folder first, or give -o a path in an existing one.',
    });
  }

  const { connection, options: sourceOptions } = await biConnectionFor(ctx, options);
  const source = createBiSource(connection, sourceOptions);
  const temp = path.join(
    path.dirname(output),
    `.${path.basename(output)}.${process.pid}.${randomBytes(4).toString('hex')}.part`,
  );
  try {
    const exported = await source.export({
      document,
      format,
      ...(options.report !== undefined && { report: options.report }),
      prompts,
      signal: ctx.signal,
    });
    let bytes = 0;
    try {
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(exported.body, count, createWriteStream(temp, { flags: 'wx' }), {
        signal: ctx.signal,
      });
      await rename(temp, output);
    } catch (error) {
      await rm(temp, { force: true });
      if (ctx.signal.aborted) throw stopped(ctx.signal);
      throw error;
    } finally {
      await exported.release();
    }

    const rows = exported.rows === undefined ? '' : `, ${exported.rows} rows`;
    ctx.stdout.write(`${output}: ${bytes} bytes (${exported.document.name}, ${format}${rows})\n`);
    return ExitCode.ok;
  } catch (error) {
    if (ctx.signal.aborted) throw stopped(ctx.signal);
    throw error;
  } finally {
    await source.close();
  }
}

function stopped(signal: AbortSignal): AbortedError {
  const reason: unknown = signal.reason;
  return reason instanceof AbortedError ? reason : new AbortedError(undefined, reason);
}
