import { type CallingWindow, minutesOfDay, WEEKDAYS } from '#schemas/calling-window';

/**
 * When a calling window is open, as pure functions of (window, zones, instant). Local times are
 * wall-clock times in each zone, from the IANA database bundled with Node's ICU (through
 * Intl.DateTimeFormat): a 09:00–17:00 window is 09:00–17:00 local on every day, whatever the UTC
 * offset does in between. A local time is placed in its zone exactly as luxon does
 * (https://moment.github.io/luxon/#/zones, DateTime.fromObject): one inside a spring-forward gap is
 * moved forward by the gap; one that occurs twice (fall back) is resolved from the zone's offset
 * now. Written without luxon so that the functions that read calls do not load it at cold start
 * (docs/architecture.md, "Cold start"); test/unit/calling-window.test.ts checks every answer
 * against luxon's (test/support/luxon-calling-window.ts).
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** One formatter per zone, as luxon keeps them: building one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      hour12: false,
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Epoch ms of a wall-clock time read as if it were UTC. */
const wallClockMs = (year: number, month: number, day: number, hour: number, minute: number, second = 0) => {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (year >= 0 && year < 100) date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
};

/** The zone's offset from UTC at `ms`, in minutes (luxon's IANAZone.offset: local wall clock minus UTC, to the second). */
function offsetAt(zone: string, ms: number): number {
  const parts: Record<string, string> = {};
  for (const { type, value } of formatterOf(zone).formatToParts(new Date(ms))) parts[type] = value;
  let year = Number.parseInt(parts.year ?? '', 10);
  if (parts.era === 'BC') year = -Math.abs(year) + 1;
  const hour = Number.parseInt(parts.hour ?? '', 10);
  const local = wallClockMs(
    year,
    Number.parseInt(parts.month ?? '', 10),
    Number.parseInt(parts.day ?? '', 10),
    hour === 24 ? 0 : hour,
    Number.parseInt(parts.minute ?? '', 10),
    Number.parseInt(parts.second ?? '', 10),
  );
  const over = ms % 1000;
  return (local - (ms - (over >= 0 ? over : 1000 + over))) / MINUTE;
}

/** A plain calendar date, as epoch ms of its UTC midnight (so no day is ever 23 or 25 hours long). */
type PlainDay = number;

/** The calendar date in `zone` at `ms`. */
function localDay(ms: number, zone: string): PlainDay {
  const local = new Date(ms + offsetAt(zone, ms) * MINUTE);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
}

/** The epoch ms at which it is `minutes` past midnight of `day` on the wall clocks of `zone` (luxon's fixOffset). */
function localInstant(day: PlainDay, minutes: number, zone: string): number {
  const wallClock = day + minutes * MINUTE;
  const guess = offsetAt(zone, Date.now());
  let utc = wallClock - guess * MINUTE;
  const second = offsetAt(zone, utc);
  if (guess === second) return utc;
  utc -= (second - guess) * MINUTE;
  const third = offsetAt(zone, utc);
  if (second === third) return utc;
  return wallClock - Math.min(second, third) * MINUTE;
}

/** YYYY-MM-DD of a plain day. */
const isoDate = (day: PlainDay) => new Date(day).toISOString().slice(0, 10);

/** How far ahead an opening is looked for; beyond it a window counts as never open again. */
export const OPENING_SEARCH_DAYS = 731;

/**
 * Most rounds of the several-zones search. Each round moves to a later opening of some zone, about
 * two per day on which the zones' windows do not overlap; zones whose windows have not overlapped
 * for this many rounds (some 50 days) are taken never to overlap, which bounds the work per call.
 */
export const MAX_ZONE_ROUNDS = 100;

interface Opening {
  /** The first instant at or after the start of the search inside the window. */
  opensAt: number;
}

function isBlackedOut(window: CallingWindow, isoDate: string): boolean {
  return (window.blackoutDates ?? []).some((range) => range.from <= isoDate && isoDate <= range.to);
}

/** The first instant at or after `from` (epoch ms) inside the window in one zone, or null within the horizon. */
function nextOpeningIn(window: CallingWindow, zone: string, from: number): Opening | null {
  const days = new Set(window.days);
  const start = minutesOfDay(window.start);
  const end = minutesOfDay(window.end);
  // Walk plain calendar dates and place each in the zone.
  const firstDay = localDay(from, zone);
  for (let i = 0; i <= OPENING_SEARCH_DAYS; i += 1) {
    const day = firstDay + i * DAY;
    // ISO weekdays: Monday first (getUTCDay is 0 on Sunday).
    if (!days.has(WEEKDAYS[(new Date(day).getUTCDay() + 6) % 7] ?? 'mon')) continue;
    if (isBlackedOut(window, isoDate(day))) continue;
    const closesAt = localInstant(day, end, zone);
    if (from >= closesAt) continue;
    return { opensAt: Math.max(from, localInstant(day, start, zone)) };
  }
  return null;
}

/**
 * The first instant at or after `from` at which the window is open in every one of `zones` (a
 * number whose area spans several zones may be called only when it is open in all of them), or
 * null if there is none within OPENING_SEARCH_DAYS (or, for several zones, MAX_ZONE_ROUNDS). `zones` are IANA names (already validated);
 * an empty list means no zone constrains the window, so `from` itself is returned.
 */
export function nextOpening(window: CallingWindow, zones: readonly string[], from: Date): Date | null {
  const horizon = from.getTime() + OPENING_SEARCH_DAYS * 86_400_000;
  let candidate = from.getTime();
  for (let round = 0; round < MAX_ZONE_ROUNDS; round += 1) {
    let latest = candidate;
    for (const zone of zones) {
      const opening = nextOpeningIn(window, zone, candidate);
      if (opening === null) return null;
      latest = Math.max(latest, opening.opensAt);
    }
    if (latest === candidate) return new Date(candidate);
    if (latest > horizon) return null;
    candidate = latest;
  }
  return null;
}

/** Whether the window is open at `at` in every one of `zones`. */
export function isOpen(window: CallingWindow, zones: readonly string[], at: Date): boolean {
  return nextOpening(window, zones, at)?.getTime() === at.getTime();
}

/**
 * When an attempt meant for `due` may be dialed: `due` itself if the window is open then, else the
 * window's next opening after it; null if the window never opens again (within the horizon).
 * Without a window, `due` unchanged.
 */
export function dialTimeWithin(window: CallingWindow | null, zones: readonly string[] | null, due: Date): Date | null {
  if (window === null) return due;
  return nextOpening(window, zones ?? [], due);
}
