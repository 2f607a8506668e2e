import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { windowOpenNow } from '../support/calling-windows.ts';

/**
 * The campaign tests' window helper must work whenever CI runs: at every half hour of a year
 * (daylight saving changes included) it finds an area code, its window holds the present hour, and
 * Tokyo's clock is outside the window, as the tests that use it assume.
 */
describe('windowOpenNow (test/support/calling-windows.ts)', () => {
  it('finds a window open now, and shut in Tokyo, at every half hour of a year', () => {
    const start = DateTime.utc(2026, 1, 1);
    const missed: string[] = [];
    for (let step = 0; step < 365 * 24 * 2; step++) {
      const now = start.plus({ minutes: 30 * step });
      try {
        const { zone, window } = windowOpenNow(now as DateTime<true>);
        const local = now.setZone(zone);
        const tokyo = now.setZone('Asia/Tokyo');
        const inside = (time: DateTime) => {
          const hhmm = time.toFormat('HH:mm');
          return hhmm >= window.start && hhmm < window.end;
        };
        if (!inside(local) || inside(tokyo)) missed.push(`${now.toISO()}: ${zone} ${window.start}-${window.end}`);
      } catch (error) {
        missed.push(`${now.toISO()}: ${(error as Error).message}`);
      }
    }
    expect(missed).toEqual([]);
  });
});
