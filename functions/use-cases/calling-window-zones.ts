import { invalidRequest } from '#domain/errors';
import type { CallingWindow } from '#schemas/calling-window';
import type { PhoneZones } from '#ports/phone-zones';

/**
 * The IANA zones a call's calling window is judged in: the window's own zone; for
 * `timeZone: "callee"`, the contact's own `timeZone` when it has one (already validated as an
 * IANA name), else every zone of the number's country and area code (libphonenumber's data,
 * functions/adapters/phone-zones). A number whose zone the data does not know is a 400 naming
 * `field` (default `toNumber`): the caller must name a zone.
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
  if (zones.length === 0) {
    throw invalidRequest(
      'callee_time_zone_unknown',
      `The time zone of ${field} cannot be told from its country and area code; set callingWindow.timeZone to an IANA zone such as America/New_York.`,
      field,
    );
  }
  return zones;
}
