import { writeFileSync } from 'node:fs';

/**
 * One figure of issue 11's table as a benchmark measured it: `npm run bench` (bench/all.ts)
 * gathers every benchmark's rows into one table.
 */
export interface BenchRow {
  /** What is measured, as issue 11's table names it. */
  what: string;
  /** Issue 11's figure before the work ("today" in the issue). */
  before: string;
  /** This run's figure. */
  now: string;
  /** Issue 11's target, e.g. "≤ 15". */
  target: string;
  met: boolean;
}

/** The variable naming the file a benchmark writes its rows to, as JSON (set by `npm run bench`). */
export const BENCH_ROWS_FILE = 'BENCH_ROWS_FILE';

/**
 * Writes the benchmark's rows, as a JSON array, to the file BENCH_ROWS_FILE names; does nothing
 * when it is not set (the benchmark run on its own prints its own table, as before).
 */
export function writeBenchRows(rows: readonly BenchRow[]): void {
  const file = process.env[BENCH_ROWS_FILE];
  if (file) writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
}
