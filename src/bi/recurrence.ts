/**
 * Recurring schedules read back as cron expressions, for `bidrop import schedules`. The Raylight
 * recurrence elements (`daily`, `hourly`, `weekly`, `monthly`, `nthDayOfMonth`, `lastDayOfMonth`,
 * … with `startdate`, bi4-instances.md §4.1) are named in the guides; their children's exact
 * JSON spelling was never seen [inferred], so several spellings are read. What a five-field cron
 * cannot say exactly is refused with a reason, never approximated.
 */
import { asArray, asObject, pick, text, toId, toBool, type Json } from './wire.js';

export type Translation = { cron: string; note?: string } | { problem: string };

const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** The recurrence elements Raylight may hold, in the order they are looked for. */
export const recurrenceKinds = [
  'hourly',
  'daily',
  'weekly',
  'monthly',
  'nthDayOfMonth',
  'lastDayOfMonth',
  'firstMondayOfMonth',
  'xDayOfNthWeekOfTheMonth',
  'calendar',
  'once',
] as const;

/** The recurrence element of a Raylight schedule's details, with its kind. */
export function findRecurrence(schedule: Json): { kind: string; body: Json } | undefined {
  for (const kind of recurrenceKinds) {
    const found = Object.keys(schedule).find((k) => k.toLowerCase() === kind.toLowerCase());
    if (found !== undefined) return { kind, body: asObject(schedule[found]) };
  }
  return undefined;
}

/**
 * The start time's wall clock as written (`2012-08-26T15:58:51.000+02:00` → 15:58), and its offset:
 * the platform runs at the wall clock of its own zone, which a cron should repeat [inferred].
 */
function startOf(
  body: Json,
): { minute: number; hour: number; day: number; month: number; offset?: string } | undefined {
  const raw = text(pick(body, 'startdate', 'startDate', '@startdate'));
  const m =
    raw &&
    /^\d{4}-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::[\d.]+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(raw.trim());
  if (!m) return undefined;
  const [, month, day, hour, minute, offset] = m;
  return { month: +month!, day: +day!, hour: +hour!, minute: +minute!, ...(offset && { offset }) };
}

function interval(body: Json, ...names: string[]): number | undefined {
  return toId(pick(body, ...names, ...names.map((n) => `@${n}`)));
}

/** The weekdays of a weekly recurrence: child elements named after days, or a list of names. */
function daysOf(body: Json): number[] {
  const out = new Set<number>();
  for (const [key, value] of Object.entries(body)) {
    const index = weekdays.indexOf(key.replace(/^@/, '').toLowerCase());
    if (index >= 0 && toBool(value) !== false) out.add(index);
  }
  const listed = asArray(pick(body, 'days', 'day'));
  for (const entry of listed.flatMap((d) => asArray(asObject(d).day ?? d))) {
    const name = text(entry)?.toLowerCase();
    if (name === undefined) continue;
    const index = weekdays.findIndex((w) => w === name || w.startsWith(name.slice(0, 3)));
    if (index >= 0) out.add(index);
    else if (/^[1-7]$/.test(name)) out.add(Number(name) % 7);
  }
  return [...out].sort((a, b) => a - b);
}

/** A five-field cron for one Raylight recurrence, or the reason there is none. */
export function recurrenceToCron(kind: string, body: Json): Translation {
  const start = startOf(body);
  if (kind === 'once') return { problem: 'it runs once, not on a recurrence' };
  if (!start) return { problem: `its ${kind} recurrence has no start date bidrop can read` };
  const at = `${start.minute} ${start.hour}`;
  const note = start.offset
    ? `times are the platform's wall clock (offset ${start.offset}); set timezone: if bidrop runs in another zone`
    : undefined;
  const done = (cron: string): Translation => (note ? { cron, note } : { cron });

  switch (kind) {
    case 'hourly': {
      const hours = interval(body, 'hour', 'hours', 'hourInterval') ?? 1;
      const minutes = interval(body, 'minute', 'minutes', 'minuteInterval') ?? 0;
      if (minutes === 0 && hours >= 1 && hours <= 23 && 24 % hours === 0) {
        return done(
          `${start.minute} ${hours === 1 ? '*' : `${start.hour % hours}-23/${hours}`} * * *`,
        );
      }
      if (hours === 0 && minutes > 0 && 60 % minutes === 0) {
        return done(`${start.minute % minutes}-59/${minutes} * * * *`);
      }
      return { problem: `every ${hours} h ${minutes} min does not divide a day evenly` };
    }
    case 'daily': {
      const days = interval(body, 'dayinterval', 'dayInterval', 'days', 'interval') ?? 1;
      if (days === 1) return done(`${at} * * *`);
      return { problem: `every ${days} days drifts across months; a cron cannot say it` };
    }
    case 'weekly': {
      const days = daysOf(body);
      if (days.length === 0) return { problem: 'its weekly recurrence names no weekday' };
      return done(`${at} * * ${days.join(',')}`);
    }
    case 'monthly': {
      const months = interval(body, 'month', 'months', 'monthInterval') ?? 1;
      if (months === 1) return done(`${at} ${start.day} * *`);
      const first = ((start.month - 1) % months) + 1;
      if (12 % months === 0) return done(`${at} ${start.day} ${first}-12/${months} *`);
      return { problem: `every ${months} months does not divide a year evenly` };
    }
    case 'nthDayOfMonth': {
      const day = interval(body, 'day', 'dayOfMonth') ?? start.day;
      if (day >= 1 && day <= 31) return done(`${at} ${day} * *`);
      return { problem: `day ${day} of the month is not a day` };
    }
    case 'lastDayOfMonth':
      return done(`${at} L * *`);
    case 'firstMondayOfMonth':
      return done(`${at} * * 1#1`);
    default:
      return { problem: `the ${kind} recurrence has no cron equivalent` };
  }
}
