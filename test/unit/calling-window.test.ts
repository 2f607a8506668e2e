import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LibphonenumberZones } from '#adapters/phone-zones/libphonenumber-zones';
import { isOpen, nextOpening } from '#domain/calling-window';
import { DateTime, IANAZone } from 'luxon';
import {
  type CallingWindow,
  CallingWindowSchema,
  RetryPolicySchema,
  WEEKDAYS,
  isCalendarDate,
  isIanaZone,
} from '#schemas/calling-window';
import { windowZonesFor } from '#use-cases/calling-window-zones';

const NY: CallingWindow = { days: [...WEEKDAYS], start: '09:00', end: '17:00', timeZone: 'America/New_York' };
const at = (iso: string) => new Date(iso);
const opening = (window: CallingWindow, zones: string[], from: string) =>
  nextOpening(window, zones, at(from))?.toISOString();

describe('a 09:00–17:00 America/New_York window across the 2027 daylight-saving changes', () => {
  it('spring forward (Sunday 14 March 2027): 09:00–17:00 local on both sides, 14:00Z before and 13:00Z after', () => {
    const zones = ['America/New_York'];
    // Saturday 13 March, EST (UTC−5).
    expect(opening(NY, zones, '2027-03-13T05:00:00Z')).toBe('2027-03-13T14:00:00.000Z');
    expect(isOpen(NY, zones, at('2027-03-13T21:59:59Z'))).toBe(true);
    expect(isOpen(NY, zones, at('2027-03-13T22:00:00Z'))).toBe(false);
    // Closed after 17:00 EST Saturday: the next opening is 09:00 EDT (UTC−4) Sunday, the day of the change.
    expect(opening(NY, zones, '2027-03-13T22:00:00Z')).toBe('2027-03-14T13:00:00.000Z');
    expect(isOpen(NY, zones, at('2027-03-14T12:59:59Z'))).toBe(false);
    expect(isOpen(NY, zones, at('2027-03-14T20:59:59Z'))).toBe(true);
    expect(isOpen(NY, zones, at('2027-03-14T21:00:00Z'))).toBe(false);
    expect(opening(NY, zones, '2027-03-14T21:00:00Z')).toBe('2027-03-15T13:00:00.000Z');
  });

  it('fall back (Sunday 7 November 2027): 09:00–17:00 local on both sides, 13:00Z before and 14:00Z after', () => {
    const zones = ['America/New_York'];
    expect(opening(NY, zones, '2027-11-06T05:00:00Z')).toBe('2027-11-06T13:00:00.000Z');
    expect(opening(NY, zones, '2027-11-06T21:00:00Z')).toBe('2027-11-07T14:00:00.000Z');
    // 08:30 EST on the day of the change is before the window, though it would be 09:30 EDT.
    expect(isOpen(NY, zones, at('2027-11-07T13:30:00Z'))).toBe(false);
    expect(isOpen(NY, zones, at('2027-11-07T21:59:59Z'))).toBe(true);
    expect(isOpen(NY, zones, at('2027-11-07T22:00:00Z'))).toBe(false);
  });

  it('never skips a day around either change: every day of March and November 2027 opens at 09:00 local', () => {
    for (const month of ['03', '11']) {
      for (let day = 1; day <= 30; day += 1) {
        const date = `2027-${month}-${String(day).padStart(2, '0')}`;
        const found = nextOpening(NY, ['America/New_York'], at(`${date}T04:00:00Z`));
        const local = found?.toLocaleString('en-US', { timeZone: 'America/New_York', hour12: false });
        expect(local, date).toMatch(/, 09:00:00$/);
      }
    }
  });
});

describe('a number whose area code spans two time zones', () => {
  it('+1 605 (South Dakota) is in Mountain and Central time, and the window must be open in both', async () => {
    const zones = await new LibphonenumberZones().zonesOf('+16055550100');
    expect(zones.sort()).toEqual(['America/Denver', 'America/North_Dakota/Center']);
    const window: CallingWindow = { ...NY, timeZone: 'callee' };
    // Monday 11 January 2027: 09:00 CST is 15:00Z, 09:00 MST is 16:00Z; 17:00 CST is 23:00Z, 17:00 MST 00:00Z.
    expect(opening(window, zones, '2027-01-11T15:00:00Z')).toBe('2027-01-11T16:00:00.000Z');
    expect(isOpen(window, zones, at('2027-01-11T15:30:00Z'))).toBe(false);
    expect(isOpen(window, zones, at('2027-01-11T22:59:59Z'))).toBe(true);
    expect(isOpen(window, zones, at('2027-01-11T23:00:00Z'))).toBe(false);
    expect(opening(window, zones, '2027-01-11T23:00:00Z')).toBe('2027-01-12T16:00:00.000Z');
  });

  it('a number whose zone cannot be told takes the window’s defaultTimeZone; without one it is a 400 naming the field', async () => {
    const deps = { phoneZones: new LibphonenumberZones() };
    const callee: CallingWindow = { ...NY, timeZone: 'callee' };
    // The simulator's +1 500 test numbers have no area, so no zone; +1 415 is Los Angeles.
    await expect(windowZonesFor(deps, callee, '+15005550102', null, 'contacts.3.toNumber')).rejects.toMatchObject({
      code: 'callee_time_zone_unknown',
      param: 'contacts.3.toNumber',
    });
    const withDefault = { ...callee, defaultTimeZone: 'America/Chicago' };
    expect(await windowZonesFor(deps, withDefault, '+15005550102')).toEqual(['America/Chicago']);
    expect(await windowZonesFor(deps, withDefault, '+14155550199')).toEqual(['America/Los_Angeles']);
    expect(await windowZonesFor(deps, withDefault, '+15005550102', 'Europe/Paris')).toEqual(['Europe/Paris']);
    expect(await windowZonesFor(deps, { ...NY, defaultTimeZone: 'Asia/Tokyo' }, '+15005550102')).toEqual([
      'America/New_York',
    ]);
  });

  it('a window that is never open in all of the zones at once has no opening', () => {
    const narrow: CallingWindow = { ...NY, start: '09:00', end: '09:30' };
    expect(nextOpening(narrow, ['America/New_York', 'America/Los_Angeles'], at('2027-01-11T00:00:00Z'))).toBeNull();
  });
});

describe('days and blackout dates', () => {
  it('skips days not in the window and local blackout dates (inclusive ranges)', () => {
    const weekdays: CallingWindow = {
      ...NY,
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      blackoutDates: [{ from: '2027-12-24', to: '2027-12-27' }],
    };
    // Thursday 23 December 2027, 18:00 EST: Friday 24 and Monday 27 are blacked out, the weekend is not a day.
    expect(opening(weekdays, ['America/New_York'], '2027-12-23T23:00:00Z')).toBe('2027-12-28T14:00:00.000Z');
  });

  it('judges blackout dates by the local date, not the UTC one', () => {
    const window: CallingWindow = {
      days: [...WEEKDAYS],
      start: '18:00',
      end: '23:00',
      timeZone: 'America/Los_Angeles',
      blackoutDates: [{ from: '2027-07-04', to: '2027-07-04' }],
    };
    // 4 July 19:00 PDT is 5 July 02:00Z: still the 4th in Los Angeles, so closed until the 5th, 18:00 PDT.
    expect(opening(window, ['America/Los_Angeles'], '2027-07-05T02:00:00Z')).toBe('2027-07-06T01:00:00.000Z');
  });

  it('answers an instant already inside the window with itself', () => {
    expect(opening(NY, ['America/New_York'], '2027-06-01T15:00:00Z')).toBe('2027-06-01T15:00:00.000Z');
  });
});

describe('calling window and retry policy input', () => {
  const bad: Array<[string, unknown, string]> = [
    ['unknown zone', { ...NY, timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
    ['start after end', { ...NY, start: '18:00', end: '09:00' }, 'start'],
    ['start equal to end', { ...NY, start: '09:00', end: '09:00' }, 'start'],
    ['empty days', { ...NY, days: [] }, 'days'],
    ['an unknown day', { ...NY, days: ['monday'] }, 'days.0'],
    ['a day twice', { ...NY, days: ['mon', 'mon'] }, 'days'],
    ['a time that is not HH:MM', { ...NY, start: '9:00' }, 'start'],
    ['24:00', { ...NY, end: '24:00' }, 'end'],
    [
      'a blackout from after to',
      { ...NY, blackoutDates: [{ from: '2027-12-26', to: '2027-12-25' }] },
      'blackoutDates.0',
    ],
    [
      'an impossible date',
      { ...NY, blackoutDates: [{ from: '2027-02-30', to: '2027-03-01' }] },
      'blackoutDates.0.from',
    ],
    [
      'too many blackout ranges',
      { ...NY, blackoutDates: Array.from({ length: 101 }, () => ({ from: '2027-01-01', to: '2027-01-01' })) },
      'blackoutDates',
    ],
    ['an unknown default zone', { ...NY, timeZone: 'callee', defaultTimeZone: 'Nowhere/Land' }, 'defaultTimeZone'],
    ['a default zone that is not a string', { ...NY, timeZone: 'callee', defaultTimeZone: 5 }, 'defaultTimeZone'],
    ['an unknown field', { ...NY, zone: 'UTC' }, ''],
  ];
  for (const [name, input, path] of bad) {
    it(`refuses ${name}, naming the field`, () => {
      const result = CallingWindowSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
    });
  }

  it('refuses retry entries out of bounds and unknown outcomes', () => {
    expect(RetryPolicySchema.safeParse({ busy: { maxRetries: 4, delayMinutes: 10 } }).success).toBe(false);
    expect(RetryPolicySchema.safeParse({ busy: { maxRetries: 1, delayMinutes: 0 } }).success).toBe(false);
    expect(RetryPolicySchema.safeParse({ completed: { maxRetries: 1, delayMinutes: 5 } }).success).toBe(false);
    expect(RetryPolicySchema.safeParse({ failed: { maxRetries: 3, delayMinutes: 1440 } }).success).toBe(true);
  });

  it('never throws, whatever it is given: it accepts or names a problem (fast-check)', () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.record(
        {
          days: fc.oneof(fc.array(fc.constantFrom(...WEEKDAYS, 'x', 1)), fc.anything()),
          start: fc.oneof(fc.string(), fc.constantFrom('09:00', '23:59', '00:00'), fc.anything()),
          end: fc.oneof(fc.string(), fc.constantFrom('17:00', '24:00'), fc.anything()),
          timeZone: fc.oneof(fc.string(), fc.constantFrom('callee', 'UTC', 'Europe/Paris', 'EST5EDT'), fc.anything()),
          defaultTimeZone: fc.oneof(fc.string(), fc.constantFrom('America/Chicago', 'Etc/Unknown', ''), fc.anything()),
          blackoutDates: fc.oneof(
            fc.array(fc.record({ from: fc.oneof(fc.string(), fc.anything()), to: fc.string() })),
            fc.anything(),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(anything, (input) => {
        const result = CallingWindowSchema.safeParse(input);
        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
        else expect(nextOpening(result.data, ['UTC'], new Date('2027-01-01T00:00:00Z'))).not.toBeUndefined();
      }),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.anything(), (input) => void RetryPolicySchema.safeParse(input)));
  });

  it('finds an opening (or none) for any valid window and zone without throwing', () => {
    const window = fc.record({
      days: fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1 }),
      start: fc.integer({ min: 0, max: 1438 }),
      length: fc.integer({ min: 1, max: 600 }),
    });
    const zone = fc.constantFrom('America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC');
    const hhmm = (minutes: number) =>
      `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    fc.assert(
      fc.property(window, zone, fc.date({ min: new Date('2026-01-01'), max: new Date('2029-01-01') }), (w, z, from) => {
        fc.pre(!Number.isNaN(from.getTime()));
        const end = Math.min(1439, w.start + w.length);
        const parsed: CallingWindow = { days: w.days, start: hhmm(w.start), end: hhmm(end), timeZone: z };
        const found = nextOpening(parsed, [z], from);
        expect(found).not.toBeNull();
        expect(found!.getTime()).toBeGreaterThanOrEqual(from.getTime());
        expect(isOpen(parsed, [z], found!)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("the schema's date and zone checks, written without luxon so reading a call does not load it", () => {
  it('isCalendarDate says what luxon says of any YYYY-MM-DD', () => {
    const digits = (length: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
    fc.assert(
      fc.property(fc.tuple(digits(4), digits(2), digits(2)), ([year, month, day]) => {
        const value = `${year}-${month}-${day}`;
        expect(isCalendarDate(value), value).toBe(DateTime.fromISO(value, { zone: 'UTC' }).isValid);
      }),
      { numRuns: 2000 },
    );
    for (const value of [
      '2028-02-29',
      '2027-02-29',
      '2000-02-29',
      '1900-02-29',
      '2027-04-31',
      '2027-12-31',
      '0000-01-01',
    ])
      expect(isCalendarDate(value), value).toBe(DateTime.fromISO(value, { zone: 'UTC' }).isValid);
  });

  it('isIanaZone says what luxon says of zone names and of anything else', () => {
    const names = [
      ...Intl.supportedValuesOf('timeZone'),
      'UTC',
      'Etc/GMT+5',
      'callee',
      'Mars/Olympus',
      '',
      'utc',
      'EST',
    ];
    for (const name of names) expect(isIanaZone(name), name).toBe(IANAZone.isValidZone(name));
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (name) => isIanaZone(name) === IANAZone.isValidZone(name)));
  });
});
