import * as z from 'zod/mini';

/**
 * Bounds on a calling window and a retry policy. Every array is bounded so that whatever is
 * accepted can be stored on a call item and evaluated in constant time.
 */
export const CALLING_WINDOW_LIMITS = {
  /** Blackout ranges in one window (holidays). */
  blackoutDates: 100,
  /** Longest IANA zone name accepted, in characters (the longest in tzdata is 32). */
  timeZoneLength: 64,
  /** Most days one blackout range may span (inclusive), so ranges stay holidays, not years. */
  blackoutRangeDays: 366,
} as const;

export const RETRY_POLICY_LIMITS = {
  maxRetries: { min: 0, max: 3 },
  delayMinutes: { min: 1, max: 1440 },
} as const;

/** Days of the week as a calling window names them, Monday first (ISO 8601 weekday 1 is `mon`). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The outcomes a retry policy may name. */
export const RETRY_OUTCOMES = ['no_answer', 'busy', 'voicemail', 'failed'] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const YYYY_MM_DD = /^\d{4}-\d{2}-\d{2}$/;

/**
 * True for a real calendar date written YYYY-MM-DD (month 01–12, a day its month has, 29 February
 * in leap years only), as luxon's `DateTime.fromISO(value, { zone: 'UTC' }).isValid` says; done with
 * `Date` so that every function reading a call item does not load luxon at cold start
 * (docs/architecture.md, "Cold start"). test/unit/calling-window.test.ts checks both agree.
 */
export function isCalendarDate(value: string): boolean {
  if (!YYYY_MM_DD.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Whole days from one date to another, both already checked by isCalendarDate (UTC days are 24 h). */
function daysBetween(from: string, to: string): number {
  const utc = (date: string) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    return new Date(0).setUTCFullYear(year, month - 1, day);
  };
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

/** Minutes since local midnight of an "HH:MM" already matched by HH_MM. */
export const minutesOfDay = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const localTime = (field: string) =>
  z
    .string({ error: `${field} must be a string.` })
    .check(z.regex(HH_MM, { error: `${field} must be a local time HH:MM from 00:00 to 23:59, such as 09:00.` }));

const localDate = (field: string) =>
  z.string({ error: `${field} must be a string.` }).check(
    z.superRefine((value, context) => {
      if (!isCalendarDate(value))
        context.addIssue({
          code: 'custom',
          message: `${field} must be a calendar date YYYY-MM-DD, such as 2027-12-25.`,
          input: value,
        });
    }),
  );

/**
 * True when `name` is a time zone the IANA database (as bundled with Node's ICU) knows: the test
 * luxon's `IANAZone.isValidZone` makes (Intl.DateTimeFormat accepts it as `timeZone`), without
 * loading luxon (test/unit/calling-window.test.ts checks both agree).
 */
export function isIanaZone(name: string): boolean {
  if (!name) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name }).format();
    return true;
  } catch {
    return false;
  }
}

const timeZoneField = z.string({ error: 'callingWindow.timeZone must be a string.' }).check(
  z.maxLength(CALLING_WINDOW_LIMITS.timeZoneLength, {
    error: 'callingWindow.timeZone must be "callee" or an IANA time zone name such as America/New_York.',
  }),
  z.refine((value) => value === 'callee' || isIanaZone(value), {
    error: 'callingWindow.timeZone must be "callee" or an IANA time zone name such as America/New_York.',
  }),
);

const defaultTimeZoneField = z.string({ error: 'callingWindow.defaultTimeZone must be a string.' }).check(
  z.maxLength(CALLING_WINDOW_LIMITS.timeZoneLength, {
    error: 'callingWindow.defaultTimeZone must be an IANA time zone name such as America/New_York.',
  }),
  z.refine(isIanaZone, {
    error: 'callingWindow.defaultTimeZone must be an IANA time zone name such as America/New_York.',
  }),
);

const BlackoutRangeSchema = z
  .strictObject(
    { from: localDate('callingWindow.blackoutDates[].from'), to: localDate('callingWindow.blackoutDates[].to') },
    { error: 'callingWindow.blackoutDates entries must be objects {from, to}.' },
  )
  .check(
    z.superRefine((range, context) => {
      const { from, to } = range as { from: unknown; to: unknown };
      if (typeof from !== 'string' || typeof to !== 'string' || !isCalendarDate(from) || !isCalendarDate(to)) return;
      if (range.from > range.to) {
        context.addIssue({
          code: 'custom',
          message: 'callingWindow.blackoutDates: from must be on or before to.',
          input: range,
        });
        return;
      }
      const days = daysBetween(range.from, range.to);
      if (days + 1 > CALLING_WINDOW_LIMITS.blackoutRangeDays)
        context.addIssue({
          code: 'custom',
          message: `callingWindow.blackoutDates: a range may span at most ${CALLING_WINDOW_LIMITS.blackoutRangeDays} days.`,
          input: range,
        });
    }),
  );

/**
 * When calls may be dialed: on `days`, from `start` (inclusive) to `end` (exclusive), local time in
 * `timeZone` ("callee": the zone(s) of the number called, or a contact's own zone), except on the
 * local dates of `blackoutDates` (inclusive ranges). Windows do not cross midnight: `start` must be
 * before `end`. Each day may appear once. `defaultTimeZone` (IANA) is the zone of a callee whose
 * number does not tell one (non-geographic numbers such as +1 500 or +1 800, or a number the data
 * knows only by its country); without it such a number is refused (callee_time_zone_unknown).
 */
export const CallingWindowSchema = z
  .strictObject(
    {
      days: z
        .array(z.enum(WEEKDAYS, { error: `callingWindow.days entries must be one of ${WEEKDAYS.join(', ')}.` }), {
          error: 'callingWindow.days must be an array of days such as ["mon","tue"].',
        })
        .check(
          z.minLength(1, { error: 'callingWindow.days must name at least one day.' }),
          z.maxLength(WEEKDAYS.length, { error: 'callingWindow.days may name each day at most once.' }),
          z.refine((days) => new Set(days).size === days.length, {
            error: 'callingWindow.days may name each day at most once.',
          }),
        ),
      start: localTime('callingWindow.start'),
      end: localTime('callingWindow.end'),
      timeZone: timeZoneField,
      defaultTimeZone: z.optional(defaultTimeZoneField),
      blackoutDates: z.optional(
        z.array(BlackoutRangeSchema, { error: 'callingWindow.blackoutDates must be an array of {from, to}.' }).check(
          z.maxLength(CALLING_WINDOW_LIMITS.blackoutDates, {
            error: `callingWindow.blackoutDates may have at most ${CALLING_WINDOW_LIMITS.blackoutDates} ranges.`,
          }),
        ),
      ),
    },
    { error: 'callingWindow must be an object {days, start, end, timeZone, defaultTimeZone?, blackoutDates?}.' },
  )
  .check(
    z.superRefine((window, context) => {
      const { start, end } = window as { start: unknown; end: unknown };
      if (typeof start !== 'string' || typeof end !== 'string' || !HH_MM.test(start) || !HH_MM.test(end)) return;
      if (minutesOfDay(start) >= minutesOfDay(end))
        context.addIssue({
          code: 'custom',
          message: 'callingWindow.start must be before callingWindow.end (a window may not cross midnight).',
          input: window,
          path: ['start'],
        });
    }),
  );
export type CallingWindow = z.infer<typeof CallingWindowSchema>;

const retryEntry = (outcome: RetryOutcome) => {
  const retries = `retryPolicy.${outcome}.maxRetries must be an integer from ${RETRY_POLICY_LIMITS.maxRetries.min} to ${RETRY_POLICY_LIMITS.maxRetries.max}.`;
  const delay = `retryPolicy.${outcome}.delayMinutes must be an integer from ${RETRY_POLICY_LIMITS.delayMinutes.min} to ${RETRY_POLICY_LIMITS.delayMinutes.max}.`;
  return z.strictObject(
    {
      maxRetries: z
        .int({ error: retries })
        .check(
          z.gte(RETRY_POLICY_LIMITS.maxRetries.min, { error: retries }),
          z.lte(RETRY_POLICY_LIMITS.maxRetries.max, { error: retries }),
        ),
      delayMinutes: z
        .int({ error: delay })
        .check(
          z.gte(RETRY_POLICY_LIMITS.delayMinutes.min, { error: delay }),
          z.lte(RETRY_POLICY_LIMITS.delayMinutes.max, { error: delay }),
        ),
    },
    { error: `retryPolicy.${outcome} must be an object {maxRetries, delayMinutes}.` },
  );
};

export const RetryPolicyEntrySchema = retryEntry('no_answer');
export type RetryPolicyEntry = z.infer<typeof RetryPolicyEntrySchema>;

/**
 * How many times, and after how long, a call is tried again per outcome of an attempt. An outcome
 * without an entry is not retried. `failed` applies only to retryable end reasons
 * (functions/domain/retry-policy.ts).
 */
export const RetryPolicySchema = z.strictObject(
  {
    no_answer: z.optional(retryEntry('no_answer')),
    busy: z.optional(retryEntry('busy')),
    voicemail: z.optional(retryEntry('voicemail')),
    failed: z.optional(retryEntry('failed')),
  },
  { error: 'retryPolicy must be an object with optional entries no_answer, busy, voicemail, failed.' },
);
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;
