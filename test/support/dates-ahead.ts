/**
 * Fixed dates that stay ahead of the clock.
 *
 * The tests and the docs write "some time ahead" as dates from 2030 on (2030-06-17 is a Monday).
 * Sent to the real clock, such a date turns into the past one day, and a test that sends it is then
 * refused ("must be in the future") or, worse, goes on passing while it tests less. `ahead()` moves
 * every date from 2030 on by whole 28-year cycles until 2030 is at least a year away: the Gregorian
 * calendar repeats its weekdays every 28 years (from 1901 to 2099), so a weekday a test relies on
 * stays the same. Until 2029 the shift is zero and the dates are the ones written. From 2085 the
 * shift would cross 2100, which has no 29 February, and weekdays would move.
 */

/** The first year `ahead()` moves: the tests' and the docs' "some time ahead" (its regular expression matches 2030 to 2099). */
const FIRST_FUTURE_YEAR = 2030;
/** Years in which the Gregorian calendar repeats its weekdays (between 1901 and 2099). */
const WEEKDAY_CYCLE_YEARS = 28;

/**
 * Years to add to the dates of `FIRST_FUTURE_YEAR` and later so they are at least a year after `now`:
 * 0 until 2029-01-01 (UTC), then a multiple of 28.
 */
export function yearsToStayAhead(now: Date = new Date()): number {
  let shift = 0;
  while (Date.UTC(FIRST_FUTURE_YEAR - 1 + shift, 0, 1) <= now.getTime()) shift += WEEKDAY_CYCLE_YEARS;
  return shift;
}

/**
 * `text` with every `YYYY-MM-DD` of a year from 2030 to 2099 (alone or in a date-time) moved by
 * `yearsToStayAhead(now)` years; other years (a test's dates in the past, 9999) are left as written.
 * Weekdays, times and zones are kept. Example: `ahead('2030-06-17T09:00:00Z')` is itself until
 * 2029, then `2058-06-17T09:00:00Z`, also a Monday.
 */
export function ahead(text: string, now: Date = new Date()): string {
  const shift = yearsToStayAhead(now);
  if (shift === 0) return text;
  return text.replace(
    /\b(20[3-9]\d)(-\d\d-\d\d)/g,
    (_, year: string, rest: string) => `${Number(year) + shift}${rest}`,
  );
}
