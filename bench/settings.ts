import { ConfigError, numberSetting } from '../local/config.ts';

/**
 * A benchmark's setting from the environment: a whole number of at least `min`, or `fallback` when
 * unset or empty. Anything else ends the benchmark with exit code 2 and one line naming the
 * variable ("BENCH_RUNS must be a whole number of at least 1 (got "ten")."), before any work, rather
 * than running with NaN and printing figures that mean nothing.
 */
export function wholeNumberSetting(name: string, fallback: number, min: number): number {
  try {
    return numberSetting(name, fallback, (n) => Number.isInteger(n) && n >= min, `a whole number of at least ${min}`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
