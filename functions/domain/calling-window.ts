import { DateTime } from 'luxon';
import { type CallingWindow, minutesOfDay, WEEKDAYS } from '#schemas/calling-window';
import { type CallingWindowRules, OPENING_SEARCH_DAYS } from './calling-window-rules.ts';

/**
 * When a calling window is open, as pure functions of (window, zones, instant). Local times are
 * wall-clock times in each zone, computed by luxon from the IANA database bundled with Node's ICU:
 * a 09:00–17:00 window is 09:00–17:00 local on every day, whatever the UTC offset does in between
 * (https://moment.github.io/luxon/#/zones). A local start or end that does not exist (inside a
 * spring-forward gap) is taken as luxon does: moved forward by the gap. Loaded on first use only
 * (calling-window-rules.ts says why).
 */

export { OPENING_SEARCH_DAYS };

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

/** The local calendar date `day` (a UTC-midnight DateTime used as a plain date) at HH:MM in `zone`. */
function localInstant(day: DateTime, minutes: number, zone: string): number {
  return DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone },
  ).toMillis();
}

function isBlackedOut(window: CallingWindow, isoDate: string): boolean {
  return (window.blackoutDates ?? []).some((range) => range.from <= isoDate && isoDate <= range.to);
}

/** The first instant at or after `from` (epoch ms) inside the window in one zone, or null within the horizon. */
function nextOpeningIn(window: CallingWindow, zone: string, from: number): Opening | null {
  const days = new Set(window.days);
  const start = minutesOfDay(window.start);
  const end = minutesOfDay(window.end);
  const local = DateTime.fromMillis(from, { zone });
  // Walk plain calendar dates (in UTC, so no day is ever 23 or 25 hours long) and place each in the zone.
  const firstDay = DateTime.utc(local.year, local.month, local.day);
  for (let i = 0; i <= OPENING_SEARCH_DAYS; i += 1) {
    const day = firstDay.plus({ days: i });
    if (!days.has(WEEKDAYS[day.weekday - 1] ?? 'mon')) continue;
    if (isBlackedOut(window, day.toISODate() ?? '')) continue;
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
 * The rules as the lifecycle takes them (calling-window-rules.ts). Use cases load this module with
 * a dynamic import, only for a call that carries a window (use-cases/calling-window-rules.ts).
 */
export const callingWindowRules: CallingWindowRules = { nextOpening };
