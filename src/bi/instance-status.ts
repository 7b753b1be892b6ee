/**
 * Instances as CMS query rows (bi4-instances.md §1.3, §3.5): keys looked up case-insensitively,
 * numbers accepted as numbers or numeric strings, property bags as nested objects, dates as the
 * locale-formatted strings the platform sends.
 */
import { asObject, text, toId, type Json } from './wire.js';

/** SI_SCHEDULE_STATUS values (§3.5); the "1=Pending 2=Running…" mapping that circulates is wrong. */
export const ScheduleStatus = {
  running: 0,
  success: 1,
  failed: 3,
  paused: 8,
  pending: 9,
  expired: 13,
  warning: 14,
} as const;

const statusNames: Readonly<Record<number, string>> = {
  0: 'running',
  1: 'success',
  3: 'failed',
  8: 'paused',
  9: 'pending',
  13: 'expired',
  14: 'warning',
};

/** A readable name for a status, with the raw value when it is not one the note lists. */
export function statusName(status: number | undefined): string {
  if (status === undefined) return 'unknown status';
  return statusNames[status] ?? `unknown status ${status}`;
}

export interface Instance {
  id: number;
  cuid?: string;
  name: string;
  kind: string;
  parentId?: number;
  status?: number;
  /** SI_ENDTIME, else SI_UPDATE_TS, as the server wrote it. */
  endedRaw?: string;
  /** The same instant, when it could be read. */
  endedAt?: Date;
  /** SI_FILES.SI_NUM_FILES, when the row had the bag. */
  files?: number;
  /** Any failure text found in SI_STATUSINFO or SI_SCHEDULEINFO (§3.5, Q7). */
  failure?: string;
  /** 1 for an instance, 0 for a document or an uploaded file. */
  isInstance?: boolean;
}

/** A key of a row regardless of its case (§1.3: the server's echo of the case is unknown). */
export function field(row: Json, name: string): unknown {
  if (row[name] !== undefined) return row[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(row)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

/** Reads one CMS query row; undefined when it has no SI_ID. */
export function readInstance(row: Json): Instance | undefined {
  const id = toId(field(row, 'SI_ID'));
  if (id === undefined) return undefined;

  const cuid = text(field(row, 'SI_CUID'));
  const parentId = toId(field(row, 'SI_PARENTID'));
  const status = toId(field(row, 'SI_SCHEDULE_STATUS'));
  const endedRaw = text(field(row, 'SI_ENDTIME')) ?? text(field(row, 'SI_UPDATE_TS'));
  const endedAt = endedRaw === undefined ? undefined : parseBiDate(endedRaw);
  const files = toId(field(asObject(field(row, 'SI_FILES')), 'SI_NUM_FILES'));
  const failure = failureText(row);
  const flag = toId(field(row, 'SI_INSTANCE'));
  return {
    id,
    name: text(field(row, 'SI_NAME')) ?? '',
    kind: text(field(row, 'SI_KIND')) ?? '',
    ...(cuid && { cuid }),
    ...(parentId !== undefined && { parentId }),
    ...(status !== undefined && { status }),
    ...(endedRaw && { endedRaw }),
    ...(endedAt && { endedAt }),
    ...(files !== undefined && { files }),
    ...(failure && { failure }),
    ...(flag !== undefined && { isInstance: flag === 1 }),
  };
}

/** Every string under SI_STATUSINFO, and error-like keys of SI_SCHEDULEINFO, joined (Q7). */
function failureText(row: Json): string | undefined {
  const found: string[] = [];
  collectStrings(field(row, 'SI_STATUSINFO'), found, () => true);
  collectStrings(field(row, 'SI_SCHEDULEINFO'), found, (key) => /error|message|status/i.test(key));
  const unique = [...new Set(found.map((s) => s.trim()).filter(Boolean))];
  return unique.length > 0 ? unique.join(' ').slice(0, 1000) : undefined;
}

function collectStrings(
  value: unknown,
  out: string[],
  keep: (key: string) => boolean,
  key = '',
): void {
  if (typeof value === 'string') {
    if (keep(key) && !/^\d+$/.test(value.trim())) out.push(value);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [name, inner] of Object.entries(value as Json)) {
    collectStrings(inner, out, keep, key && keep(key) ? key : name);
  }
}

/**
 * Reads the dates the platform sends: ISO 8601, `dd.MM.yyyy HH:mm[:ss]` (§1.3, S5) and the US
 * `M/d/yyyy h:mm[:ss] [AM|PM]`. Locale strings carry no zone: they are read as this machine's
 * local time [inferred]. Undefined when the text matches none of these.
 */
export function parseBiDate(raw: string): Date | undefined {
  const value = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (dotted) {
    const [, d, mo, y, h, mi, s] = dotted;
    return local(+y!, +mo!, +d!, +h!, +mi!, +(s ?? 0));
  }
  const us =
    /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)?$/i.exec(value);
  if (us) {
    const [, mo, d, y, h, mi, s, half] = us;
    let hour = +h!;
    if (half && /pm/i.test(half) && hour < 12) hour += 12;
    if (half && /am/i.test(half) && hour === 12) hour = 0;
    const year = y!.length === 2 ? 2000 + +y! : +y!;
    return local(year, +mo!, +d!, hour, +mi!, +(s ?? 0));
  }
  return undefined;
}

function local(y: number, mo: number, d: number, h: number, mi: number, s: number) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(y, mo - 1, d, h, mi, s);
}
