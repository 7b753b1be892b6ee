/**
 * Deterministic report data: the same document, report and prompt answers always give the same
 * rows, and different answers give different rows, so tests can tell one export from another.
 */
import type { DocumentDef } from './fixtures.js';

export type Cell = string | number;

/** One report's table: a header row and data rows. */
export interface ReportTable {
  title: string;
  columns: string[];
  rows: Cell[][];
}

/** The prompt value that makes a report empty, so "skip empty reports" can be tested. */
export const EMPTY_REPORT_VALUE = 'Antarctica';

const WORDS: Record<string, string[]> = {
  Department: ['Finance', 'Logistics', 'Marketing', 'Operations', 'Research', 'Sales'],
  Account: ['Licences', 'Consulting', 'Hardware', 'Support', 'Travel', 'Rent'],
};

/** FNV-1a, 32 bits: small, stable across Node versions, good enough to spread fixture values. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function answerKey(answers: ReadonlyMap<number, readonly string[]>): string {
  return [...answers.entries()]
    .sort(([a], [b]) => a - b)
    .map(([id, values]) => `${id}=${values.join(',')}`)
    .join('&');
}

function cell(
  doc: DocumentDef,
  column: { name: string; type: 'Text' | 'Numeric' },
  row: number,
  seed: string,
  answers: ReadonlyMap<number, readonly string[]>,
): Cell {
  const h = hash(`${seed}|${row}|${column.name}`);
  const prompt = doc.prompts.find((p) => p.name === column.name);
  const answered = prompt ? (answers.get(prompt.id) ?? []) : [];
  if (answered.length > 0) return answered[row % answered.length] ?? '';

  if (column.type === 'Numeric') return (h % 100000) / 100;
  if (column.name === 'Date')
    return new Date(Date.UTC(2026, 10, 1 + (row % 30))).toISOString().slice(0, 10);
  if (column.name === 'Month') return `2026-${String((row % 12) + 1).padStart(2, '0')}`;
  const words = WORDS[column.name];
  if (words) return words[h % words.length] ?? '';
  return `${column.name} ${(h % 900) + 100}`;
}

/**
 * The table of report `reportIndex` (0-based) of `doc`, given its prompt answers. `withData`
 * false gives the layout only: the header and no rows, as an export before a refresh does.
 */
export function reportTable(
  doc: DocumentDef,
  reportIndex: number,
  answers: ReadonlyMap<number, readonly string[]>,
  withData: boolean,
): ReportTable {
  const title = doc.reports[reportIndex] ?? `Report ${reportIndex + 1}`;
  const columns = doc.columns.map((c) => c.name);
  const empty = [...answers.values()].some((values) => values.includes(EMPTY_REPORT_VALUE));
  if (!withData || empty) return { title, columns, rows: [] };

  const seed = `${doc.id}|${reportIndex}|${answerKey(answers)}`;
  const rows: Cell[][] = [];
  for (let row = 0; row < doc.rowCount; row += 1) {
    rows.push(doc.columns.map((column) => cell(doc, column, row, seed, answers)));
  }
  return { title, columns, rows };
}
