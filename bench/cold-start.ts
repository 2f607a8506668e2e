/**
 * Cold-start benchmark: `npm run bench:cold-start` (a measurement; exits 1 if a function misses the
 * target). `npm run bench` runs it with the other benchmarks (bench/all.ts).
 *
 * For every function the stack deploys (functions/handlers/routes.ts), and for a baseline that only imports
 * and constructs a DynamoDB client (bench/baseline-dynamodb-client.ts), it:
 *   1. bundles the handler with esbuild using the construct's own settings (infra/constructs/
 *      bundling.ts: ESM, minified, tree-shaken, source maps, AWS SDK bundled; checked against
 *      what the CDK construct passes, so the two cannot drift apart), and
 *   2. measures module initialisation: a fresh `node` process (with the NODE_OPTIONS the functions
 *      get) records the CPU time (user + system, process.cpuUsage) and the wall time of
 *      `await import(bundle)`, with a complete fake environment (bench/fake-environment.ts). One
 *      unmeasured warm-up, then BENCH_RUNS rounds (default 15); each round imports every bundle
 *      once, and each handler's ratio is taken against the baseline of the same round.
 *
 * The ratio that counts is CPU time: a cold start's module loading is CPU-bound (parsing and
 * running the bundle), and on a shared machine the wall time mostly measures the wait for a core.
 * The wall-time ratio is printed beside it. Issue 11's target is every function ≤ 1.3× the
 * baseline; "today" is the issue's figure before this work.
 *
 *   function            bundle (bytes)   init CPU (ms)   × baseline   wall ×   today        target
 *   baseline (DynamoDB)        330,995           160.2         1.00     1.00
 *   create-call                617,982           251.9         1.55     1.50   1.56–2.0×    ≤ 1.3×  ✗
 *   …
 *   Over 1.3× the baseline; what each adds to it (largest first, KB):
 *     create-call: libphonenumber-js 119, functions/ 21, zod 32, …
 *
 * Node here may differ from Lambda's nodejs22.x on arm64: compare the ratios, not the absolutes.
 * BENCH_ONLY=create-call,dialer measures only those (and the baseline).
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
  cdkBundlingOptions,
  esbuildOptions,
  handlerEntry,
} from '../infra/constructs/bundling.ts';
import { writeBenchRows } from './bench-rows.ts';
import { FAKE_ENVIRONMENT, checkFakeEnvironment } from './fake-environment.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const ONLY = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
/** Issue 11's target: every function's init at most this many times the baseline's. */
const TARGET_RATIO = 1.3;
const BASELINE = 'baseline (DynamoDB)';

/** Issue 11's "today": each function's ratio before this work (wall time, on the same machine). */
const TODAY: Record<string, string> = { 'create-call': '1.56–2.0×', dialer: '1.5–1.9×' };
const TODAY_OTHERS = '1.6–1.8×';

const MEASURE_IMPORT = `
const cpu = process.cpuUsage();
const started = performance.now();
await import(process.argv[1]);
const wall = performance.now() - started;
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, wallMs: wall }));
`;

/**
 * Fails unless the esbuild options measured here are the ones the CDK construct bundles with
 * (cdkBundlingOptions, which NodejsFunction turns into esbuild's command line).
 */
function checkSameSettingsAsCdk(): void {
  const measured = esbuildOptions('entry.ts', 'index.mjs');
  const deployed = cdkBundlingOptions;
  const pairs: Array<[string, unknown, unknown]> = [
    ['target', measured.target, deployed.target],
    ['format', measured.format, deployed.format],
    ['minify', measured.minify, deployed.minify],
    ['sourcemap', measured.sourcemap, deployed.sourceMap],
    ['sourcesContent', measured.sourcesContent, deployed.sourcesContent],
    ['mainFields', JSON.stringify(measured.mainFields), JSON.stringify(deployed.mainFields)],
    ['banner', measured.banner?.js, deployed.banner],
    ['external', JSON.stringify(measured.external ?? []), JSON.stringify(deployed.externalModules)],
    ['AWS SDK bundled', true, deployed.bundleAwsSDK],
    ['define', JSON.stringify(measured.define ?? {}), JSON.stringify(deployed.define ?? {})],
    ['keepNames', measured.keepNames ?? false, deployed.keepNames ?? false],
    ['loader', JSON.stringify(measured.loader ?? {}), JSON.stringify(deployed.loader ?? {})],
  ];
  const differing = pairs.filter(([, a, b]) => a !== b).map(([name]) => name);
  if (differing.length > 0)
    throw new Error(`The bench would not measure what is deployed: ${differing.join(', ')} differ from the CDK's.`);
}

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  /** Bytes in the bundle from each npm package (and 'functions/' for the service's own code). */
  bytesByPackage: Map<string, number>;
  /** CPU and wall time of each measured import, ms. */
  cpuMs: number[];
  wallMs: number[];
  /** Each round's CPU time over the baseline's in the same round. */
  ratios: number[];
}

const packageOf = (input: string) =>
  input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? `${input.split('/')[0]}/`;

async function bundleAll(outDir: string): Promise<Bundle[]> {
  const entries: Array<[string, string]> = [
    [BASELINE, join(REPO_ROOT, 'bench', 'baseline-dynamodb-client.ts')],
    ...HANDLER_NAMES.filter((name) => !ONLY || ONLY.includes(name)).map((name): [string, string] => [
      name,
      handlerEntry(name),
    ]),
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
      return { name, file, bytes: statSync(file).size, bytesByPackage, cpuMs: [], wallMs: [], ratios: [] };
    }),
  );
}

function measureInit(file: string): { cpuMs: number; wallMs: number } {
  const result = spawnSync(
    process.execPath,
    [HANDLER_NODE_OPTIONS, '--input-type=module', '-e', MEASURE_IMPORT, pathToFileURL(file).href],
    {
      env: { PATH: process.env.PATH, ...FAKE_ENVIRONMENT },
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`Importing ${file} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
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

async function main(): Promise<number> {
  checkFakeEnvironment();
  checkSameSettingsAsCdk();
  const outDir = mkdtempSync(join(tmpdir(), 'outbound-calls-bench-'));
  try {
    const bundles = await bundleAll(outDir);
    const baseline = bundles[0] as Bundle;
    for (const bundle of bundles) measureInit(bundle.file);
    for (let run = 0; run < RUNS; run++) {
      for (const bundle of bundles) {
        const { cpuMs, wallMs } = measureInit(bundle.file);
        bundle.cpuMs.push(cpuMs);
        bundle.wallMs.push(wallMs);
      }
      for (const bundle of bundles) bundle.ratios.push((bundle.cpuMs[run] as number) / (baseline.cpuMs[run] as number));
    }

    const baselineWall = median(baseline.wallMs);
    const rows = bundles.map((bundle) => ({
      name: bundle.name,
      bytes: bundle.bytes,
      cpuMs: median(bundle.cpuMs),
      ratio: median(bundle.ratios),
      wallRatio: median(bundle.wallMs) / baselineWall,
    }));
    const width = Math.max(...rows.map((row) => row.name.length), 'function'.length) + 2;
    console.log(`Node ${process.version}, ${RUNS} rounds, ${HANDLER_NODE_OPTIONS}\n`);
    console.log(
      `${'function'.padEnd(width)}${'bundle (bytes)'.padStart(16)}${'init CPU (ms)'.padStart(15)}${'× baseline'.padStart(12)}${'wall ×'.padStart(9)}   ${'today'.padEnd(11)}target`,
    );
    for (const [index, row] of rows.entries()) {
      const today = index === 0 ? '' : (TODAY[row.name] ?? TODAY_OTHERS);
      const target = index === 0 ? '' : `≤ ${TARGET_RATIO}×${row.ratio > TARGET_RATIO ? '  ✗ over' : ''}`;
      console.log(
        `${row.name.padEnd(width)}${row.bytes.toLocaleString('en-US').padStart(16)}${row.cpuMs.toFixed(1).padStart(15)}${row.ratio.toFixed(2).padStart(12)}${row.wallRatio.toFixed(2).padStart(9)}   ${today.padEnd(11)}${target}`,
      );
    }
    writeBenchRows(
      rows.slice(1).map((row) => ({
        what: `cold start, ${row.name} (init CPU)`,
        before: TODAY[row.name] ?? TODAY_OTHERS,
        now: `${row.ratio.toFixed(2)}×`,
        target: `≤ ${TARGET_RATIO}× baseline`,
        met: row.ratio <= TARGET_RATIO,
      })),
    );
    const over = bundles.filter((_, index) => (rows[index]?.ratio ?? 0) > TARGET_RATIO);
    if (over.length === 0) {
      console.log(`\nEvery function is within ${TARGET_RATIO}× the baseline.`);
      return 0;
    }
    console.log(`\nOver ${TARGET_RATIO}× the baseline; what each adds to it (largest first, KB):`);
    for (const bundle of over) console.log(`  ${bundle.name}: ${additionsOverBaseline(bundle, baseline)}`);
    return 1;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
