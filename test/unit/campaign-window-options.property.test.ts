import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallingWindowSchema, WEEKDAYS } from '#schemas/calling-window';
import { WindowOptionError, windowFromOptions } from '../../tools/campaign/window.ts';

/** An option value as a hurried or hostile command line may hold it. */
const value = (...likely: string[]) =>
  fc.option(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...likely)), { nil: undefined });

describe("the campaign command's window options, as hostile input", () => {
  it('become a window the API accepts, or a WindowOptionError naming the option; nothing else (fast-check)', () => {
    const options = fc.record({
      window: value('09:00-17:00', '00:00-23:59', '18:00-09:00', '9:00-17:00', '09:00-24:00', ''),
      days: value('mon,tue,wed', 'mon, fri', 'mon,mon', 'monday', '', WEEKDAYS.join(',')),
      'time-zone': value('callee', 'America/New_York', 'Mars/Olympus', ''),
      'default-time-zone': value('Europe/Paris', 'callee', 'Etc/Unknown', ''),
    });
    fc.assert(
      fc.property(options, (given) => {
        let window: ReturnType<typeof windowFromOptions>;
        try {
          window = windowFromOptions(given);
        } catch (error) {
          expect(error).toBeInstanceOf(WindowOptionError);
          expect((error as Error).message).toMatch(/^--(window|days|time-zone|default-time-zone)\b/);
          expect((error as Error).message.length).toBeLessThan(300);
          return;
        }
        if (given.window === undefined) expect(window).toBeUndefined();
        else expect(CallingWindowSchema.safeParse(window).success).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads the documented forms', () => {
    expect(windowFromOptions({ window: '09:00-20:00' })).toEqual({
      days: [...WEEKDAYS],
      start: '09:00',
      end: '20:00',
      timeZone: 'callee',
    });
    expect(
      windowFromOptions({
        window: '08:30-17:00',
        days: 'mon, tue,fri',
        'time-zone': 'Europe/Paris',
        'default-time-zone': 'America/New_York',
      }),
    ).toEqual({
      days: ['mon', 'tue', 'fri'],
      start: '08:30',
      end: '17:00',
      timeZone: 'Europe/Paris',
      defaultTimeZone: 'America/New_York',
    });
    expect(() => windowFromOptions({ 'default-time-zone': 'Europe/Paris' })).toThrow(
      '--default-time-zone needs --window',
    );
    expect(() => windowFromOptions({ window: '09:00-17:00', days: 'mon,funday' })).toThrow(/^--days: /);
  });
});
