import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const TSX = join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Runs a benchmark script as `npm run bench:…` does, with `env` added; it must stop by itself. */
async function bench(script: string, env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [TSX, script], {
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A benchmark given a setting it cannot use stops before any work, in one line naming it (bench/settings.ts). */
describe('benchmark settings', () => {
  it.each([
    ['bench/cold-start.ts', 'BENCH_RUNS', 'ten', 'at least 1'],
    ['bench/latency.ts', 'BENCH_RUNS', '2.5', 'at least 1'],
    ['bench/pacing.ts', 'BENCH_PACING_CALLS', '0', 'at least 1'],
    ['bench/paging.ts', 'BENCH_CALLS', '100', 'at least 5001'],
    ['bench/at-rest.ts', 'BENCH_WINDOW_SECONDS', '1e309', 'at least 1'],
    ['bench/requests.ts', 'BENCH_BUSY_CPS', 'fast', 'at least 1'],
  ])('%s with %s=%s: exit code 2 and one line', async (script, name, value, bound) => {
    const { code, stdout, stderr } = await bench(script, {
      [name]: value,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([`${name} must be a whole number of ${bound} (got "${value}").`]);
  });
});
