/**
 * Date tokens: the calendar a run sees, for prompt answers (`Day: "{date-1d}"`) and for target
 * paths (`{date:yyyy-MM}`). Every token is computed from one instant, the run's planning time, so
 * a resumed run fills the same values as the run it finishes.
 *
 * Prompt tokens (each may take a format, e.g. `{date-1d:dd.MM.yyyy}`; default yyyy-MM-dd):
 *   {date}                 today
 *   {date-3d} {date+1w}    today moved by days (d), weeks (w), months (m) or years (y)
 *   {week-start}           Monday of this week
 *   {month-start} {month-end}            first and last day of this month
 *   {prev-month-start} {prev-month-end}  first and last day of last month
 *   {year-start} {year-end}              1 January and 31 December of this year
 *   {year} {month} {day}   2026, 2026-12, 04 (formats: yyyy, yyyy-MM, dd)
 * Format letters: yyyy yy MM M dd d HH mm ss; anything else is copied as it is.
 */

export interface CalendarTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time of `instant` in `timeZone` (the process's zone when absent). */
export function calendarTime(instant: Date, timeZone?: string): CalendarTime {
  if (!timeZone) {
    return {
      year: instant.getFullYear(),
      month: instant.getMonth() + 1,
      day: instant.getDate(),
      hour: instant.getHours(),
      minute: instant.getMinutes(),
      second: instant.getSeconds(),
    };
  }

  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Formats with the letters yyyy yy MM M dd d HH mm ss; other characters are kept. */
export function formatCalendar(time: CalendarTime, format: string): string {
  return format.replace(/yyyy|yy|MM|M|dd|d|HH|mm|ss/g, (letters) => {
    switch (letters) {
      case 'yyyy':
        return pad(time.year, 4);
      case 'yy':
        return pad(time.year % 100);
      case 'MM':
        return pad(time.month);
      case 'M':
        return String(time.month);
      case 'dd':
        return pad(time.day);
      case 'd':
        return String(time.day);
      case 'HH':
        return pad(time.hour);
      case 'mm':
        return pad(time.minute);
      default:
        return pad(time.second);
    }
  });
}

/** Calendar arithmetic on the date part; months clamp to their last day (31 Jan + 1m = 28 Feb). */
function shift(time: CalendarTime, amount: number, unit: string): CalendarTime {
  if (unit === 'd' || unit === 'w') {
    const utc = new Date(Date.UTC(time.year, time.month - 1, time.day));
    utc.setUTCDate(utc.getUTCDate() + amount * (unit === 'w' ? 7 : 1));
    return {
      ...time,
      year: utc.getUTCFullYear(),
      month: utc.getUTCMonth() + 1,
      day: utc.getUTCDate(),
    };
  }
  const months = time.year * 12 + (time.month - 1) + amount * (unit === 'y' ? 12 : 1);
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  return { ...time, year, month, day: Math.min(time.day, daysIn(year, month)) };
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const named: Record<string, { at: (t: CalendarTime) => CalendarTime; format: string }> = {
  date: { at: (t) => t, format: 'yyyy-MM-dd' },
  'week-start': { at: (t) => shift(t, -((weekday(t) + 6) % 7), 'd'), format: 'yyyy-MM-dd' },
  'month-start': { at: (t) => ({ ...t, day: 1 }), format: 'yyyy-MM-dd' },
  'month-end': { at: (t) => ({ ...t, day: daysIn(t.year, t.month) }), format: 'yyyy-MM-dd' },
  'prev-month-start': { at: (t) => ({ ...shift(t, -1, 'm'), day: 1 }), format: 'yyyy-MM-dd' },
  'prev-month-end': {
    at: (t) => {
      const prev = shift(t, -1, 'm');
      return { ...prev, day: daysIn(prev.year, prev.month) };
    },
    format: 'yyyy-MM-dd',
  },
  'year-start': { at: (t) => ({ ...t, month: 1, day: 1 }), format: 'yyyy-MM-dd' },
  'year-end': { at: (t) => ({ ...t, month: 12, day: 31 }), format: 'yyyy-MM-dd' },
  year: { at: (t) => t, format: 'yyyy' },
  month: { at: (t) => t, format: 'yyyy-MM' },
  day: { at: (t) => t, format: 'dd' },
};

function weekday(t: CalendarTime): number {
  return new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay();
}

/** The names a prompt value may use, for error messages. */
export const dateTokenNames: readonly string[] = [
  ...Object.keys(named),
  'date-Nd',
  'date+Nw',
  'date-Nm',
  'date-Ny',
];

const tokenPattern = /^([a-z-]+?)(?:([+-])(\d{1,4})([dwmy]))?(?::(.+))?$/;

/**
 * The value of one date token (without braces), e.g. `date-1d`, `month-start:dd.MM.yyyy`;
 * undefined when `token` is not a date token.
 */
export function dateToken(token: string, now: CalendarTime): string | undefined {
  const match = tokenPattern.exec(token);
  if (!match) return undefined;

  const [, name, sign, amount, unit, format] = match;
  const entry = named[name!];
  if (!entry || (sign && name !== 'date')) return undefined;

  const base = sign ? shift(now, Number(amount) * (sign === '-' ? -1 : 1), unit!) : now;
  return formatCalendar(entry.at(base), format ?? entry.format);
}

/** `{…}` spans in a text, with their inner token. */
export function braceTokens(text: string): string[] {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
}

/** Replaces every date token in a prompt value; throws a message for an unknown token. */
export function fillDateTokens(value: string, now: CalendarTime): string {
  return value.replace(/\{([^{}]*)\}/g, (whole, token: string) => {
    const filled = dateToken(token, now);
    if (filled === undefined) throw new TypeError(unknownDateToken(token));
    return filled;
  });
}

/** The message for a prompt value naming a token that is not a date token. */
export function unknownDateToken(token: string): string {
  return `"{${token}}" is not a date token (known: ${dateTokenNames.map((n) => `{${n}}`).join(', ')})`;
}
