/** `bidrop docs [--folder PATH] [--query CMS-QUERY] [--json]`: what the BI platform holds. */
import { createBiSource, type DocumentSelector } from '../../bi/index.js';
import { ConfigError } from '../../core/index.js';
import { biConnectionFor, type BiFlags } from '../bi-connection.js';
import { ExitCode, type CliContext } from '../context.js';
import { formatTable } from '../table.js';

interface Options extends BiFlags {
  folder?: string;
  query?: string;
  json?: boolean;
}

export default async function docs(
  ctx: CliContext,
  _args: string[],
  options: Options,
): Promise<number> {
  if (options.folder !== undefined && options.query !== undefined) {
    throw new ConfigError('USAGE_DOCS_SELECTOR', 'Give --folder or --query, not both', {
      hint: 'A CMS query can filter on a folder itself with SI_PARENT_FOLDER.',
    });
  }
  const selector: DocumentSelector =
    options.query !== undefined
      ? { query: options.query }
      : { folder: options.folder ?? '/', recursive: options.folder === undefined };

  const { connection, options: sourceOptions } = await biConnectionFor(ctx, options);
  const source = createBiSource(connection, sourceOptions);
  try {
    const documents = await source.findDocuments(selector, ctx.signal);
    if (options.json) {
      ctx.stdout.write(`${JSON.stringify(documents, null, 2)}\n`);
    } else if (documents.length === 0) {
      ctx.stdout.write('No Web Intelligence documents found.\n');
    } else {
      ctx.stdout.write(
        formatTable(
          ['ID', 'CUID', 'NAME', 'FOLDER', 'LAST REFRESH'],
          documents.map((d) => [d.id, d.cuid, d.name, d.folder, d.updated]),
        ),
      );
    }
    return ExitCode.ok;
  } finally {
    await source.close();
  }
}
