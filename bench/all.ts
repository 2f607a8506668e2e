/**
 * Every benchmark of issue 11, one after the other, and its whole table: `npm run bench`.
 * Exits 1 if any figure misses its target, or a benchmark gave none.
 *
 * Runs each benchmark as its own npm script would (`tsx bench/<name>.ts`, one at a time: they are
 * CPU-heavy and each starts its own emulators), with its output shown as it runs, and
 * BENCH_ROWS_FILE set so it also writes its figures (bench/bench-rows.ts). Then prints the one
 * table: issue 11's rows in its order, each with the figure before the work (the issue's), this
 * run's figure, the target, and met or missed.
 *
 *   npm run bench                         all of them (about 20 minutes on 2 cores)
 *   npm run bench -- cold-start paging    only these (the others' rows say "not run")
 *
 * Each benchmark's own options (BENCH_RUNS, BENCH_ONLY, …) pass through the environment.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ROWS_FILE, type BenchRow } from './bench-rows.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

/** Issue 11's table, in its order: each row and the benchmark (`npm run bench:<name>`) that measures it. */
export const BENCHMARKS: ReadonlyArray<{ name: string; rows: string }> = [
  { name: 'requests', rows: 'AWS requests per call: immediate, scheduled, cancelled; event work; 20 at once' },
  { name: 'paging', rows: 'list page=50&pageSize=100 in a 20,000-call account (vs a cursor hop)' },
  { name: 'pacing', rows: '60 calls due at one instant at 1 call/s' },
  { name: 'cold-start', rows: 'cold start, every function' },
  { name: 'latency', rows: 'create latency vs the same AWS requests sent directly' },
  { name: 'at-rest', rows: 'local stack at rest' },
];

interface Outcome {
  name: string;
  rows: BenchRow[];
  /** Why the benchmark gave no figures, if it did not. */
  failure?: string;
  skipped?: boolean;
}

function runBenchmark(name: string, dir: string): Outcome {
  const file = join(dir, `${name}.json`);
  console.log(`\n━━ npm run bench:${name} ${'━'.repeat(Math.max(0, 60 - name.length))}`);
  const result = spawnSync(TSX, [join('bench', `${name}.ts`)], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, [BENCH_ROWS_FILE]: file },
  });
  if (!existsSync(file))
    return {
      name,
      rows: [],
      failure: result.error
        ? result.error.message
        : `it ended (exit ${result.status ?? result.signal}) without figures`,
    };
  return { name, rows: JSON.parse(readFileSync(file, 'utf8')) as BenchRow[] };
}

/** The one table: every benchmark's rows under the row they answer. */
export function formatTable(outcomes: readonly Outcome[]): { text: string; missed: number } {
  const header: BenchRow = { what: 'what', before: 'before (issue 11)', now: 'now', target: 'target', met: true };
  const all = outcomes.flatMap((outcome) => outcome.rows);
  const width = (key: 'what' | 'before' | 'now' | 'target', cap: number) =>
    Math.min(cap, Math.max(...[header, ...all].map((row) => row[key].length)));
  const [w, b, n, t] = [width('what', 64), width('before', 36), width('now', 36), width('target', 24)];
  const line = (row: BenchRow, mark: string) =>
    `  ${row.what.padEnd(w)}  ${row.before.padEnd(b)}  ${row.now.padEnd(n)}  ${row.target.padEnd(t)}  ${mark}`.trimEnd();
  const lines = ['', "Issue 11's table: before (the issue's figure), now (this run) and the target", ''];
  lines.push(line(header, ''));
  let missed = 0;
  for (const outcome of outcomes) {
    const bench = BENCHMARKS.find((each) => each.name === outcome.name);
    lines.push(`${bench?.rows ?? outcome.name} (npm run bench:${outcome.name})`);
    if (outcome.skipped) {
      lines.push('  not run');
      continue;
    }
    if (outcome.rows.length === 0) {
      missed += 1;
      lines.push(`  no figures: ${outcome.failure ?? 'none written'}  missed`);
      continue;
    }
    for (const row of outcome.rows) {
      if (!row.met) missed += 1;
      lines.push(line(row, row.met ? 'met' : 'MISSED'));
    }
  }
  const ran = outcomes.filter((outcome) => !outcome.skipped).length;
  lines.push(
    '',
    missed === 0
      ? `Every figure of the ${ran} benchmark(s) run is at its target.`
      : `${missed} figure(s) missed their target.`,
  );
  return { text: lines.join('\n'), missed };
}

function main(argv: string[]): number {
  const unknown = argv.filter((name) => !BENCHMARKS.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    console.error(
      `Unknown benchmark ${unknown.join(', ')}.\n\nUsage: npm run bench [-- <name>…]   names: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
    );
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'outbound-calls-bench-rows-'));
  try {
    const outcomes = BENCHMARKS.map(({ name }) =>
      argv.length === 0 || argv.includes(name) ? runBenchmark(name, dir) : { name, rows: [], skipped: true },
    );
    const { text, missed } = formatTable(outcomes);
    console.log(text);
    return missed === 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1]))
  process.exitCode = main(process.argv.slice(2));
