import { DateTime } from 'luxon';

const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * A calling window (timeZone `callee`) open now and for at least an hour in the zone of an area
 * code: from the hour before now to two hours after, local time of an area code whose zone is at
 * least 90 minutes from midnight now (Los Angeles `415`, else New York `212`: they are 3 hours
 * apart, so one always is). `Asia/Tokyo` is 7 to 11 hours away from both on the clock face, so
 * the window is shut there: a contact given that zone waits for the next opening.
 */
export function windowOpenNow(now = DateTime.utc()) {
  const candidates = [
    { areaCode: '415', zone: 'America/Los_Angeles' },
    { areaCode: '212', zone: 'America/New_York' },
  ];
  const fit = candidates.find(({ zone }) => {
    const local = now.setZone(zone);
    const minutes = local.hour * 60 + local.minute;
    return minutes >= 90 && minutes <= 21 * 60 + 30;
  });
  if (!fit) throw new Error('Los Angeles and New York cannot both be near midnight');
  const hour = now.setZone(fit.zone).hour;
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return {
    ...fit,
    window: { days: [...ALL_DAYS], start: hh(hour - 1), end: hh(hour + 2), timeZone: 'callee' as const },
  };
}
