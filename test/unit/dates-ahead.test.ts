import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ahead, yearsToStayAhead } from '../support/dates-ahead.ts';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** The tests' fixed future dates must stay in the future, on their weekday, whenever CI runs. */
describe('ahead (test/support/dates-ahead.ts)', () => {
  it('leaves the dates as written until 2029', () => {
    expect(yearsToStayAhead(new Date('2028-12-31T23:59:59Z'))).toBe(0);
    expect(ahead('startAt 2030-06-17T09:00:00Z, 2033-05-30', new Date('2026-12-01T00:00:00Z'))).toBe(
      'startAt 2030-06-17T09:00:00Z, 2033-05-30',
    );
  });

  it('moves 2030 on to a year ahead of any clock up to 2084, on the same weekday and time', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2084-12-31T23:59:59Z'), noInvalidDate: true }),
        (now) => {
          for (const written of ['2030-06-17T09:00:00Z', '2031-01-01T10:00:00+02:00', '2032-02-29']) {
            const moved = new Date(ahead(written, now));
            const original = new Date(written);
            expect(moved.getTime() - now.getTime()).toBeGreaterThanOrEqual(YEAR_MS);
            expect(moved.getUTCDay()).toBe(original.getUTCDay());
            expect(moved.toISOString().slice(4)).toBe(original.toISOString().slice(4));
          }
        },
      ),
    );
  });

  it('moves every date of a text by the same years and leaves the past, 9999 and names alone', () => {
    const now = new Date('2047-03-01T00:00:00Z');
    expect(ahead('from 2030-06-01 to 2031-05-31; 2020-01-01T00:00:00Z; 9999-12-31; spring-2030', now)).toBe(
      'from 2058-06-01 to 2059-05-31; 2020-01-01T00:00:00Z; 9999-12-31; spring-2030',
    );
  });
});
