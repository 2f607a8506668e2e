/**
 * `npm run phone-metadata`: writes functions/schemas/generated/phone-metadata.json from the
 * installed libphonenumber-js (tools/phone-metadata/trim.ts says what is kept). Run it after
 * upgrading libphonenumber-js; test/unit/phone-metadata.test.ts fails until it is run.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PHONE_METADATA_FILE, phoneMetadataText } from './trim.ts';

writeFileSync(PHONE_METADATA_FILE, phoneMetadataText());
console.log(`Wrote ${fileURLToPath(PHONE_METADATA_FILE)}`);
