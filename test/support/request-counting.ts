import { afterAll } from 'vitest';
import { installRequestCounter, uninstallRequestCounter } from '../../bench/request-counter.ts';

/**
 * Counts this test file's AWS requests (bench/request-counter.ts) from now on, and stops counting
 * after the file, so that the files sharing its worker process send without the counter.
 */
export function countRequestsInThisFile(): void {
  installRequestCounter();
  afterAll(uninstallRequestCounter);
}
