/**
 * `bidrop import schedules [--folder PATH] [--from latest-instance|schedule] [--write]`: turns the
 * recurring schedules on the BI platform into publications. Existing publications and comments in
 * bidrop.yaml are left as they are (yaml's Document API); what cannot be translated is reported.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';

import { Document, isMap, parseDocument, YAMLMap } from 'yaml';

import { createBiSource, type RecurringSchedule } from '../../bi/index.js';
import { configFilePath } from '../../config/index.js';
import { ConfigError } from '../../core/index.js';
import { biConnectionFor, type BiFlags } from '../bi-connection.js';
import { ExitCode, type CliContext } from '../context.js';

interface Options extends BiFlags {
  folder?: string;
  write?: boolean;
  from?: string;
}

type Origin = 'latest-instance' | 'schedule';

/**
 * A publication reading the latest instance runs this long after the platform's schedule, so it
 * finds today's run rather than yesterday's; half an hour covers most nightly refreshes [choice].
 */
const instanceDelayMinutes = 30;

export default async function importSchedules(
  ctx: CliContext,
  _args: string[],
  options: Options,
): Promise<number> {
  const from = (options.from ?? 'latest-instance') as Origin;
  if (from !== 'latest-instance' && from !== 'schedule') {
    throw new ConfigError('USAGE_IMPORT_FROM', `--from ${from} is not a way to import`, {
      hint: 'Use --from latest-instance (the default) or --from schedule.',
    });
  }
  const file = configFilePath(ctx.configPath);
  if (options.write && !existsSync(file)) {
    throw new ConfigError('CONFIG_FILE_MISSING', `${file} does not exist, nothing to write into`, {
      hint: 'Create it with `bidrop init`, or run without --write to print the publications.',
    });
  }
  const text = existsSync(file) ? await readFile(file, 'utf8') : '';

  const { connection, options: sourceOptions } = await biConnectionFor(ctx, options);
  const source = createBiSource(connection, sourceOptions);
  let schedules: RecurringSchedule[];
  try {
    schedules = await source.listRecurringSchedules(options.folder, ctx.signal);
  } finally {
    await source.close();
  }

  const result = addPublications(text, schedules, from);
  const { added, skipped } = result;
  for (const line of skipped) ctx.stderr.write(`bidrop: not imported: ${line}\n`);

  if (added.length === 0) {
    ctx.stdout.write(`No publication to add (${schedules.length} recurring schedules found).\n`);
    return ExitCode.ok;
  }
  if (!options.write) {
    ctx.stdout.write(`publications:\n${result.snippet.replace(/^(?=.)/gm, '  ')}`);
    ctx.stdout.write(
      `# ${added.length} publications; run again with --write to add them to ${file}\n`,
    );
    return ExitCode.ok;
  }
  const temporary = `${file}.${process.pid}.tmp`;
  // Same permissions as before: the file may hold secrets its owner protected.
  await writeFile(temporary, result.text, { mode: (await stat(file)).mode & 0o777 });
  await rename(temporary, file);
  ctx.stdout.write(`Added ${added.length} publications to ${file}: ${added.join(', ')}\n`);
  return ExitCode.ok;
}

/**
 * Adds one publication per translatable schedule to the text of bidrop.yaml. The new entries are
 * inserted as text at the end of the publications block, so every existing byte (comments, quoting,
 * order) stays as it was; yaml re-printing a whole document moves some comments.
 */
export function addPublications(
  text: string,
  schedules: RecurringSchedule[],
  from: Origin,
): { text: string; snippet: string; added: string[]; skipped: string[] } {
  const doc = parseDocument(text);
  const found = doc.get('publications', true);
  const current = isMap(found) ? found : undefined;
  const plain = (doc.toJS() ?? {}) as {
    publications?: Record<string, unknown> | null;
    destinations?: Record<string, unknown> | null;
  };
  const existing = plain.publications ?? {};
  const destination = Object.keys(plain.destinations ?? {})[0] ?? 'dropbox';
  const taken = new Set(Object.keys(existing));

  const entries = new YAMLMap();
  const added: string[] = [];
  const skipped: string[] = [];
  for (const schedule of schedules) {
    const what = `schedule ${schedule.id} "${schedule.name}" of "${schedule.document.name}" (id ${schedule.document.id})`;
    if ('problem' in schedule.translation) {
      skipped.push(`${what}: ${schedule.translation.problem}`);
      continue;
    }
    const format = formatOf(schedule.format, from);
    if (format === undefined) {
      skipped.push(
        `${what}: its instances are kept in Web Intelligence format, not a file bidrop delivers`,
      );
      continue;
    }
    let cron = schedule.translation.cron;
    const notes = [`imported from ${what}, ${schedule.recurrence ?? 'recurring'}`];
    if (schedule.translation.note) notes.push(schedule.translation.note);
    if (from === 'latest-instance') {
      const later = delayCron(cron, instanceDelayMinutes);
      if (later) cron = later;
      else notes.push('runs when the platform does: the instance found may be the previous run');
    }
    if (alreadyImported(existing, schedule.document.id, cron)) {
      skipped.push(`${what}: a publication already delivers it on "${cron}"`);
      continue;
    }

    // bidrop bursts a list into one file per value; a platform schedule answers with all values at
    // once. A run on the platform therefore makes one file per value, named apart by the prompt.
    const several =
      from === 'schedule'
        ? Object.keys(schedule.prompts).filter(
            (p) => (schedule.prompts[p]?.length ?? 0) > 1 && !/[{}/:]/.test(p),
          )
        : [];
    if (several.length > 0) {
      notes.push(
        `the platform answers ${several.join(', ')} with several values at once; bidrop delivers one file per value`,
      );
    }
    const file = ['{document}', ...several.map((p) => `{${p}}`)].join(' - ');

    const name = uniqueName(
      slug(schedule.document.name || `document-${schedule.document.id}`),
      taken,
    );
    taken.add(name);
    const node = doc.createNode({
      schedule: cron,
      documents: [{ id: schedule.document.id }],
      formats: [format],
      ...(Object.keys(schedule.prompts).length > 0 && { prompts: schedule.prompts }),
      from,
      to: `${destination}:/Reports/{publication}/${file}.{ext}`,
    });
    node.commentBefore = notes.map((n) => ` ${n}`).join('\n');
    entries.set(name, node);
    added.push(name);
  }

  const fragment = new Document(entries);
  const snippet = added.length === 0 ? '' : fragment.toString({ lineWidth: 100 });
  if (added.length === 0) return { text, snippet, added, skipped };
  return { text: insertEntries(text, current, snippet), snippet, added, skipped };
}

/** Puts the entries at the end of the publications block, indented like its other entries. */
function insertEntries(text: string, publications: YAMLMap | undefined, snippet: string): string {
  const indentBy = (indent: number): string =>
    snippet
      .split('\n')
      .map((line) => (line ? ' '.repeat(indent) + line : line))
      .join('\n');
  const first = publications?.items[0]?.key as { range?: [number, number, number] } | undefined;
  const range = publications?.range;
  if (publications && !publications.flow && first?.range && range) {
    const keyStart = first.range[0];
    const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
    // The line after the block's last value; anything after it (trailing comments) stays after.
    const newline = text.indexOf('\n', Math.max(range[1] - 1, 0));
    const at = newline < 0 ? text.length : newline + 1;
    const before = text.slice(0, at);
    return `${before}${before.endsWith('\n') ? '' : '\n'}${indentBy(indent)}${text.slice(at)}`;
  }
  if (publications?.range) {
    // `publications: {}` (or an empty flow map): replace it with a block.
    const [start, end] = publications.range;
    return `${text.slice(0, start).trimEnd()}\n${indentBy(2)}${text.slice(end).replace(/^[ \t]*\n?/, '')}`;
  }
  const body = /^publications:/m.test(text)
    ? text.replace(/^publications:[ \t]*(#.*)?$/m, (line) => `${line}\n${indentBy(2).trimEnd()}`)
    : `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}publications:\n${indentBy(2)}`;
  return body.endsWith('\n') ? body : `${body}\n`;
}

/** Raylight's format for a publication: `webi` instances are .wid files, deliverable by neither. */
function formatOf(format: string | undefined, from: Origin): string | undefined {
  switch (format?.toLowerCase()) {
    case 'xls':
    case 'excel':
      return 'xls';
    case 'csv':
      return 'csv';
    case 'webi':
      return from === 'schedule' ? 'pdf' : undefined;
    default:
      return 'pdf';
  }
}

/** The same cron `minutes` later, when minute and hour are plain numbers and the day stays. */
export function delayCron(cron: string, minutes: number): string | undefined {
  const fields = cron.split(' ');
  const [minute, hour] = fields;
  if (!/^\d+$/.test(minute ?? '')) return undefined;
  const total = Number(minute) + minutes;
  if (total < 60) return [String(total), ...fields.slice(1)].join(' ');
  if (!/^\d+$/.test(hour ?? '') || Number(hour) + Math.floor(total / 60) > 23) return undefined;
  return [
    String(total % 60),
    String(Number(hour) + Math.floor(total / 60)),
    ...fields.slice(2),
  ].join(' ');
}

function alreadyImported(existing: Record<string, unknown>, id: number, cron: string): boolean {
  return Object.values(existing).some((p) => {
    const publication = p as { schedule?: unknown; documents?: Array<{ id?: unknown }> };
    return publication.schedule === cron && publication.documents?.some((d) => d.id === id);
  });
}

function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'imported'
  );
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}
