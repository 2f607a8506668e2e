import * as z from 'zod/mini';
import { isPossiblePhoneNumber } from 'libphonenumber-js/min';

const E164 = /^\+[1-9]\d{1,14}$/;

/** True for a number written in E.164 (`+14155550199`) that can exist in its country's numbering plan. */
export function isE164PhoneNumber(value: string): boolean {
  return E164.test(value) && isPossiblePhoneNumber(value);
}

export const phoneNumberSchema = (field: string) =>
  z.string({ error: `${field} must be a string` }).check(
    z.refine(isE164PhoneNumber, {
      error: `${field} must be a phone number in E.164 format, such as +14155550199 (a plus sign, the country code and the number, no spaces).`,
    }),
  );
