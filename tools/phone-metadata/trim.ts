import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The phone-number metadata the service checks numbers with (functions/schemas/phone-number.ts):
 * libphonenumber-js's "min" set (https://gitlab.com/catamphetamine/libphonenumber-js#min-vs-max-vs-mobile)
 * without what only formatting reads. `isPossiblePhoneNumber` parses the number (the calling code,
 * the country among those that share it, by leading digits and number types) and checks its
 * length against the numbering plan's possible lengths; it never formats. Each country's (and
 * non-geographic plan's) list of formats, slot 4 of its compressed array (`formats()` in
 * libphonenumber-js/es6/metadata.js), is most of the data (83 KB → 33 KB), so it is left out (0,
 * the compressed form's "none"). test/unit/phone-metadata.test.ts checks that every answer is the
 * min set's, and that the generated file is what this gives for the installed libphonenumber-js.
 */
const FORMATS = 4;

type CompressedPlan = unknown[];
interface CompressedMetadata {
  version: number;
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, CompressedPlan>;
  nonGeographic?: Record<string, CompressedPlan>;
}

const withoutFormats = (plans: Record<string, CompressedPlan> = {}) =>
  Object.fromEntries(
    Object.entries(plans).map(([key, plan]) => [key, plan.map((value, slot) => (slot === FORMATS ? 0 : value))]),
  );

/** The installed libphonenumber-js's min metadata, trimmed as above. */
export function trimmedPhoneMetadata(): CompressedMetadata {
  const path = createRequire(import.meta.url).resolve('libphonenumber-js/metadata.min.json');
  const min = JSON.parse(readFileSync(path, 'utf8')) as CompressedMetadata;
  return {
    ...min,
    countries: withoutFormats(min.countries),
    ...(min.nonGeographic ? { nonGeographic: withoutFormats(min.nonGeographic) } : {}),
  };
}

/** The generated file's text: one line of JSON (the directory is left alone by the formatter). */
export const phoneMetadataText = () => `${JSON.stringify(trimmedPhoneMetadata())}\n`;

export const PHONE_METADATA_FILE = new URL('../../functions/schemas/generated/phone-metadata.json', import.meta.url);
