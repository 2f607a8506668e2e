import { DateTime } from 'luxon';

const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * Area codes the window may be in, and their zones. Each is unusable for the 4 hours from 21:30 to
 * 01:30 local time; New York is 3 hours ahead of Los Angeles and Honolulu 2 to 3 hours behind it, so
 * those stretches never all overlap (until 2026 they were only New York and Los Angeles, whose
 * stretches overlap for an hour, 05:30 to 06:30 UTC, when a run failed).
 */
export const WINDOW_AREA_CODES = [
  { areaCode: '415', zone: 'America/Los_Angeles' },
  { areaCode: '212', zone: 'America/New_York' },
  { areaCode: '808', zone: 'Pacific/Honolulu' },
] as const;

/**
 * A calling window (timeZone `callee`) open now and for at least an hour in the zone of an area
 * code: from the hour before now to two hours after, local time of the first area code
 * (WINDOW_AREA_CODES) whose zone is at least 90 minutes from midnight now. `Asia/Tokyo` is 5 to 11
 * hours away from each of them on the clock face, so the window is shut there: a contact given
 * that zone waits for the next opening.
 */
export function windowOpenNow(now = DateTime.utc()) {
  const fit = WINDOW_AREA_CODES.find(({ zone }) => {
    const local = now.setZone(zone);
    const minutes = local.hour * 60 + local.minute;
    return minutes >= 90 && minutes <= 21 * 60 + 30;
  });
  if (!fit) throw new Error(`No area code of WINDOW_AREA_CODES is 90 minutes from midnight at ${now.toISO()}`);
  const hour = now.setZone(fit.zone).hour;
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return {
    ...fit,
    window: { days: [...ALL_DAYS], start: hh(hour - 1), end: hh(hour + 2), timeZone: 'callee' as const },
  };
}
