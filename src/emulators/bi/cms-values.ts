/**
 * How stored CMS properties go on the wire: dates as locale-formatted text (bi4-instances.md 1.3:
 * `dd.MM.yyyy HH:mm` seen on a real server, the rule behind it unknown), bags as nested objects,
 * numbers and booleans as JSON numbers and booleans.
 */
import type { CmsBag, CmsProp, CmsValue } from './cms-query.js';

/** The default date pattern, as S5's server answered (minute precision). */
export const DEFAULT_CMS_DATE_FORMAT = 'dd.MM.yyyy HH:mm';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Formats `date` in UTC with `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss`; `iso` gives ISO 8601. */
export function formatCmsDate(date: Date, pattern: string): string {
  if (pattern === 'iso') return date.toISOString();
  const parts: Record<string, string> = {
    yyyy: pad(date.getUTCFullYear(), 4),
    MM: pad(date.getUTCMonth() + 1),
    dd: pad(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
  };
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (token) => parts[token] ?? token);
}

/** A wire value: a scalar, or a bag of wire values. */
export type CmsWire = CmsValue | { [key: string]: CmsWire };

/** A stored property as it is answered. */
export function wireValue(value: CmsProp, pattern: string): CmsWire {
  if (value instanceof Date) return formatCmsDate(value, pattern);
  if (typeof value !== 'object') return value;
  return wireRow(value, pattern);
}

/** A row (or bag) of stored properties as it is answered. */
export function wireRow(row: CmsBag, pattern: string): { [key: string]: CmsWire } {
  const out: { [key: string]: CmsWire } = {};
  for (const [key, value] of Object.entries(row)) out[key] = wireValue(value, pattern);
  return out;
}
