import * as z from 'zod/mini';
import { isPossiblePhoneNumber, type MetadataJson } from 'libphonenumber-js/core';
import metadata from './generated/phone-metadata.json' with { type: 'json' };

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * libphonenumber-js's "min" metadata without the formats, which only formatting reads (33 KB
 * instead of 83 KB at every cold start of the functions that take numbers); made by
 * `npm run phone-metadata` (tools/phone-metadata/trim.ts, checked by test/unit/phone-metadata.test.ts).
 */
const PHONE_METADATA = metadata as unknown as MetadataJson;

/**
 * True for a number written in E.164 (`+14155550199`) that can exist in its country's numbering
 * plan: libphonenumber-js's `isPossiblePhoneNumber` (the plan's possible lengths, by Google's
 * libphonenumber data).
 */
export function isE164PhoneNumber(value: string): boolean {
  return E164.test(value) && isPossiblePhoneNumber(value, PHONE_METADATA);
}

export const phoneNumberSchema = (field: string) =>
  z.string({ error: `${field} must be a string.` }).check(
    z.refine(isE164PhoneNumber, {
      error: `${field} must be a phone number in E.164 format, such as +14155550199 (a plus sign, the country code and the number, no spaces).`,
    }),
  );
