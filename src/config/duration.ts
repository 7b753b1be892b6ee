/**
 * Durations in bidrop.yaml (`maxAge: 26h`, `scheduleTimeout: 2h30m`): a number and a unit, or
 * several such parts. Plain numbers are refused because seconds and milliseconds both look
 * plausible and a wrong guess would silently deliver a day-old report.
 */

const unitMs: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds of a duration such as "90s", "26h", "2d" or "1h30m"; undefined if it does not parse. */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase().replace(/\s+/g, '');
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(compact)) return undefined;

  let total = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(amount) * (unitMs[unit!] ?? Number.NaN);
  }
  return Number.isFinite(total) && total > 0 ? Math.round(total) : undefined;
}
