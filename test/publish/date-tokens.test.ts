import { describe, expect, it } from 'vitest';

import {
  calendarTime,
  dateToken,
  fillDateTokens,
  planPublication,
} from '../../src/publish/index.js';
import { FakeSource, publication } from './fakes.js';

const t = { year: 2026, month: 3, day: 31, hour: 23, minute: 59, second: 1 };

describe('date tokens', () => {
  it.each([
    ['date', '2026-03-31'],
    ['date-1d', '2026-03-30'],
    ['date+1d', '2026-04-01'],
    ['date-1w', '2026-03-24'],
    ['date-1m', '2026-02-28'],
    ['date+11m', '2027-02-28'],
    ['date-1y', '2025-03-31'],
    ['week-start', '2026-03-30'],
    ['month-start', '2026-03-01'],
    ['month-end', '2026-03-31'],
    ['prev-month-start', '2026-02-01'],
    ['prev-month-end', '2026-02-28'],
    ['year-start', '2026-01-01'],
    ['year-end', '2026-12-31'],
    ['year', '2026'],
    ['month', '2026-03'],
    ['day', '31'],
    ['date-1d:dd.MM.yyyy', '30.03.2026'],
    ['month-start:M/d/yy', '3/1/26'],
    ['date:yyyyMMddHHmmss', '20260331235901'],
  ])('{%s} is %s', (token, expected) => {
    expect(dateToken(token, t)).toBe(expected);
  });

  it.each(['dat', 'month-start-1d', 'Region', 'date-1x'])('{%s} is not a date token', (token) => {
    expect(dateToken(token, t)).toBeUndefined();
  });

  it('fills tokens inside a prompt value and refuses unknown ones', () => {
    expect(fillDateTokens('from {month-start} to {date}', t)).toBe('from 2026-03-01 to 2026-03-31');
    expect(() => fillDateTokens('{Region}', t)).toThrow('"{Region}" is not a date token');
  });

  it('reads the calendar in the publication time zone', () => {
    const instant = new Date('2026-03-31T23:30:00Z');
    expect(calendarTime(instant, 'Asia/Tokyo')).toMatchObject({
      year: 2026,
      month: 4,
      day: 1,
      hour: 8,
    });
    expect(calendarTime(instant, 'UTC')).toMatchObject({ month: 3, day: 31, hour: 23 });
  });

  it('fills date prompts at planning, from the planning instant', async () => {
    const pub = publication(`documents:
  - id: 101
timezone: UTC
prompts:
  Day: "{date-1d}"
  Period: ["{prev-month-start}", "{month-start}"]
to: out:/{Period}/{document} {Day}.{ext}`);
    const plan = await planPublication('daily', pub, new FakeSource(), {
      now: new Date('2026-01-10T12:00:00Z'),
    });

    expect(plan.deliveries.map((d) => [d.prompts, d.target])).toEqual([
      [{ Day: '2026-01-09', Period: '2025-12-01' }, '/2025-12-01/Sales 2026-01-09.pdf'],
      [{ Day: '2026-01-09', Period: '2026-01-01' }, '/2026-01-01/Sales 2026-01-09.pdf'],
    ]);
  });
});
