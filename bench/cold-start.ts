/**
 * Cold-start benchmark: `npm run bench` (a measurement, not a test; it never fails on numbers).
 *
 * For every function the stack deploys (functions/handlers/routes.ts), and for a baseline that only imports
 * and constructs a DynamoDB client (bench/baseline-dynamodb-client.ts), it:
 *   1. bundles the handler with esbuild using the construct's own settings (infra/constructs/
 *      bundling.ts: ESM, minified, tree-shaken, source maps, AWS SDK bundled), and
 *   2. measures module initialisation: a fresh `node` process (with the NODE_OPTIONS the functions
 *      get) records performance.now() around `await import(bundle)`, with a complete fake
 *      environment (bench/fake-environment.ts). One unmeasured warm-up, then BENCH_RUNS runs
 *      (default 9), interleaved across bundles so background noise spreads evenly.
 *
 * Output: one row per bundle, baseline first, then, for each handler over 1.3×, the packages it
 * carries beyond the baseline (from esbuild's metafile), which is what its extra time is made of:
 *
 *   function            bundle (bytes)   init median (ms)   × baseline
 *   baseline (DynamoDB)        330,809               76.1         1.00
 *   create-call                560,169              111.9         1.47  ⚠ over 1.3×
 *   …
 *   Over 1.3× the baseline; what each adds to it (largest first, KB):
 *     create-call: libphonenumber-js 119, functions/ 21, zod 32, …
 *
 *   bundle (bytes)     size of index.mjs, minified (the .map beside it is not loaded unless a
 *                      stack trace is printed)
 *   init median (ms)   median time of `await import()` of the bundle
 *   × baseline         init median / the baseline's; ⚠ marks handlers over 1.3×
 *
 * Node here may differ from Lambda's nodejs22.x on arm64: compare the ratios, not the absolutes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import {
  HANDLER_NAMES,
  HANDLER_NODE_OPTIONS,
  REPO_ROOT,
  esbuildOptions,
  handlerEntry,
} from '../infra/constructs/bundling.ts';
import { FAKE_ENVIRONMENT, checkFakeEnvironment } from './fake-environment.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const FLAG_RATIO = 1.3;
const BASELINE = 'baseline (DynamoDB)';

const MEASURE_IMPORT = `
const started = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - started));
`;

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  /** Bytes in the bundle from each npm package (and 'functions/' for the service's own code). */
  bytesByPackage: Map<string, number>;
  initMs: number[];
}

const packageOf = (input: string) =>
  input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? `${input.split('/')[0]}/`;

async function bundleAll(outDir: string): Promise<Bundle[]> {
  const entries: Array<[string, string]> = [
    [BASELINE, join(REPO_ROOT, 'bench', 'baseline-dynamodb-client.ts')],
    ...HANDLER_NAMES.map((name): [string, string] => [name, handlerEntry(name)]),
  ];
  return Promise.all(
    entries.map(async ([name, entry], index) => {
      const file = join(outDir, String(index), 'index.mjs');
      // The metafile only reports what went in; the bundle is the same as without it.
      const { metafile } = await build({ ...esbuildOptions(entry, file), metafile: true });
      const bytesByPackage = new Map<string, number>();
      for (const output of Object.values(metafile.outputs)) {
        for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
          bytesByPackage.set(packageOf(input), (bytesByPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
        }
      }
      return { name, file, bytes: statSync(file).size, bytesByPackage, initMs: [] };
    }),
  );
}

function measureInit(file: string): number {
  const result = spawnSync(
    process.execPath,
    [HANDLER_NODE_OPTIONS, '--input-type=module', '-e', MEASURE_IMPORT, pathToFileURL(file).href],
    {
      env: { PATH: process.env.PATH, ...FAKE_ENVIRONMENT },
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`Importing ${file} failed:\n${result.stderr}`);
  return Number(result.stdout);
}

/** The packages a bundle carries beyond the baseline's, largest first. */
function additionsOverBaseline(bundle: Bundle, baseline: Bundle): string {
  return [...bundle.bytesByPackage]
    .map(([name, bytes]): [string, number] => [name, bytes - (baseline.bytesByPackage.get(name) ?? 0)])
    .filter(([, extra]) => extra > 2048)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, extra]) => `${name} ${(extra / 1024).toFixed(0)}`)
    .join(', ');
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

async function main(): Promise<void> {
  checkFakeEnvironment();
  const outDir = mkdtempSync(join(tmpdir(), 'outbound-calls-bench-'));
  try {
    const bundles = await bundleAll(outDir);
    for (const bundle of bundles) measureInit(bundle.file);
    for (let run = 0; run < RUNS; run++) {
      for (const bundle of bundles) bundle.initMs.push(measureInit(bundle.file));
    }

    const baseline = median((bundles[0] as Bundle).initMs);
    const rows = bundles.map((bundle) => {
      const initMs = median(bundle.initMs);
      return { name: bundle.name, bytes: bundle.bytes, initMs, ratio: initMs / baseline };
    });
    const width = Math.max(...rows.map((row) => row.name.length), 'function'.length) + 2;
    console.log(`Node ${process.version}, ${RUNS} runs each, ${HANDLER_NODE_OPTIONS}\n`);
    console.log(
      `${'function'.padEnd(width)}${'bundle (bytes)'.padStart(16)}${'init median (ms)'.padStart(19)}${'× baseline'.padStart(13)}`,
    );
    for (const row of rows) {
      const flag = row.ratio > FLAG_RATIO ? `  ⚠ over ${FLAG_RATIO}×` : '';
      console.log(
        `${row.name.padEnd(width)}${row.bytes.toLocaleString('en-US').padStart(16)}${row.initMs.toFixed(1).padStart(19)}${row.ratio.toFixed(2).padStart(13)}${flag}`,
      );
    }
    const over = bundles.filter((_, index) => (rows[index]?.ratio ?? 0) > FLAG_RATIO);
    if (over.length === 0) console.log(`\nEvery handler is within ${FLAG_RATIO}× the baseline.`);
    else console.log(`\nOver ${FLAG_RATIO}× the baseline; what each adds to it (largest first, KB):`);
    for (const bundle of over) console.log(`  ${bundle.name}: ${additionsOverBaseline(bundle, bundles[0] as Bundle)}`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();
