import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { isPossiblePhoneNumber as isPossibleByMin } from 'libphonenumber-js/min';
import minMetadata from 'libphonenumber-js/metadata.min.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { isE164PhoneNumber } from '#schemas/phone-number';
import { PHONE_METADATA_FILE, phoneMetadataText } from '../../tools/phone-metadata/trim.ts';

const E164 = /^\+[1-9]\d{1,14}$/;
/** The check as it was before the metadata was trimmed: libphonenumber-js's whole "min" set. */
const byMinMetadata = (value: string) => E164.test(value) && isPossibleByMin(value);

const callingCodes = Object.keys(minMetadata.country_calling_codes);

/** A number as a caller might send it: a real calling code, then 1–14 digits (too short to too long). */
const plausibleNumber = fc
  .tuple(fc.constantFrom(...callingCodes), fc.stringMatching(/^\d{1,14}$/))
  .map(([code, rest]) => `+${code}${rest}`);

describe('the trimmed phone-number metadata (functions/schemas/generated/phone-metadata.json)', () => {
  it('is what `npm run phone-metadata` makes from the installed libphonenumber-js', () => {
    expect(readFileSync(PHONE_METADATA_FILE, 'utf8')).toBe(phoneMetadataText());
  });

  it('answers every number as the whole "min" metadata does', () => {
    fc.assert(
      fc.property(plausibleNumber, (value) => {
        expect(isE164PhoneNumber(value)).toBe(byMinMetadata(value));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (value) => {
        expect(isE164PhoneNumber(value)).toBe(byMinMetadata(value));
      }),
    );
  });

  it('takes every calling code at its possible lengths and refuses lengths no plan has', () => {
    for (const code of callingCodes) {
      const lengths = new Set<boolean>();
      for (let digits = 1; digits + code.length <= 15; digits += 1) {
        const value = `+${code}${'2'.repeat(digits)}`;
        expect(isE164PhoneNumber(value), value).toBe(byMinMetadata(value));
        lengths.add(byMinMetadata(value));
      }
      expect(lengths.has(false), `+${code} refuses some length`).toBe(true);
    }
    expect(isE164PhoneNumber('+14155550199')).toBe(true);
    expect(isE164PhoneNumber('+4915123456789')).toBe(true);
    expect(isE164PhoneNumber('+1415555019')).toBe(false);
  });
});
