import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/**
 * A new, empty directory named `prefix` and six random characters, under the test run's temporary
 * directory (global-setup.ts), which is removed when the run ends, whether or not the test cleans
 * up after itself. For the integration project's files (the only ones with a global setup).
 */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(inject('runTempDir'), prefix));
}
