import { invalidRequest } from '#domain/errors';
import type { CallingWindow } from '#schemas/calling-window';
import type { PhoneZones } from '#ports/phone-zones';

/**
 * More zones than this means the data knows only the number's country, not its area (all of
 * NANP's +1, say, is some 40 zones): too vague to judge a window by.
 */
export const MAX_CALLEE_ZONES = 4;

/**
 * The IANA zones a call's calling window is judged in: the window's own zone; for
 * `timeZone: "callee"`, the contact's own `timeZone` when it has one (already validated as an
 * IANA name), else every zone of the number's country and area code (libphonenumber's data,
 * functions/adapters/phone-zones), else the window's `defaultTimeZone`. A number whose zone the
 * data does not know (none, or more than MAX_CALLEE_ZONES), with no default, is a 400
 * `callee_time_zone_unknown` naming `field` (default `toNumber`): the caller must name a zone.
 */
export async function windowZonesFor(
  deps: { phoneZones: PhoneZones },
  window: CallingWindow,
  toNumber: string,
  contactTimeZone?: string | null,
  field = 'toNumber',
): Promise<string[]> {
  if (window.timeZone !== 'callee') return [window.timeZone];
  if (contactTimeZone) return [contactTimeZone];
  const zones = await deps.phoneZones.zonesOf(toNumber);
  if (zones.length > 0 && zones.length <= MAX_CALLEE_ZONES) return zones;
  if (window.defaultTimeZone) return [window.defaultTimeZone];
  throw invalidRequest(
    'callee_time_zone_unknown',
    `The time zone of ${field} cannot be told from its country and area code; set callingWindow.defaultTimeZone (used for such numbers), or callingWindow.timeZone, to an IANA zone such as America/New_York.`,
    field,
  );
}
