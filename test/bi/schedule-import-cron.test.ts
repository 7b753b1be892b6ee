import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';

import { recurrenceToCron } from '../../src/bi/index.js';
import { delayCron } from '../../src/cli/commands/import-schedules.js';

const start = '2026-09-17T06:15:00.000+02:00';

describe('recurrence to cron', () => {
  it('translates what a cron can say exactly', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['daily', { startdate: start, dayinterval: 1 }, '15 6 * * *'],
      ['daily', { startdate: start }, '15 6 * * *'],
      ['hourly', { startdate: start, hour: 1, minute: 0 }, '15 * * * *'],
      ['hourly', { startdate: start, hour: 4, minute: 0 }, '15 2-23/4 * * *'],
      ['hourly', { startdate: start, hour: 0, minute: 15 }, '0-59/15 * * * *'],
      ['weekly', { startdate: start, monday: '', wednesday: '', friday: '' }, '15 6 * * 1,3,5'],
      ['weekly', { startdate: start, days: { day: ['Sunday', 'Saturday'] } }, '15 6 * * 0,6'],
      ['monthly', { startdate: start, month: 1 }, '15 6 17 * *'],
      ['monthly', { startdate: start, month: 3 }, '15 6 17 3-12/3 *'],
      ['nthDayOfMonth', { startdate: start, day: 5 }, '15 6 5 * *'],
      ['lastDayOfMonth', { startdate: start }, '15 6 L * *'],
      ['firstMondayOfMonth', { startdate: start }, '15 6 * * 1#1'],
    ];
    for (const [kind, body, cron] of cases) {
      const translated = recurrenceToCron(kind, body);
      expect(translated, `${kind} ${JSON.stringify(body)}`).toMatchObject({ cron });
      // Every cron written must parse where bidrop.yaml is checked.
      expect(() => new Cron(cron, { paused: true })).not.toThrow();
    }
    expect(recurrenceToCron('daily', { startdate: start })).toMatchObject({
      note: expect.stringContaining('+02:00'),
    });
  });

  it('refuses what it cannot say exactly, with the reason', () => {
    expect(recurrenceToCron('daily', { startdate: start, dayinterval: 2 })).toEqual({
      problem: 'every 2 days drifts across months; a cron cannot say it',
    });
    expect(recurrenceToCron('hourly', { startdate: start, hour: 5, minute: 0 })).toMatchObject({
      problem: expect.stringContaining('does not divide a day'),
    });
    expect(recurrenceToCron('monthly', { startdate: start, month: 5 })).toMatchObject({
      problem: expect.stringContaining('does not divide a year'),
    });
    expect(recurrenceToCron('weekly', { startdate: start })).toEqual({
      problem: 'its weekly recurrence names no weekday',
    });
    expect(recurrenceToCron('calendar', { startdate: start })).toEqual({
      problem: 'the calendar recurrence has no cron equivalent',
    });
    expect(recurrenceToCron('once', { startdate: start })).toEqual({
      problem: 'it runs once, not on a recurrence',
    });
    expect(recurrenceToCron('daily', {})).toMatchObject({ problem: /no start date/ });
  });

  it('delays a publication that reads the instance, within the same day', () => {
    expect(delayCron('15 6 * * *', 30)).toBe('45 6 * * *');
    expect(delayCron('45 6 * * 1,3', 30)).toBe('15 7 * * 1,3');
    expect(delayCron('45 23 * * *', 30)).toBeUndefined();
    expect(delayCron('45 2-23/4 * * *', 30)).toBeUndefined();
    expect(delayCron('0-59/15 * * * *', 30)).toBeUndefined();
  });
});
