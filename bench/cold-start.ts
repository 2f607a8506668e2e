/**
 * Cold-start benchmark: `npm run bench:cold-start` (a measurement; exits 1 if a function misses the
 * target). `npm run bench` runs it with the other benchmarks (bench/all.ts).
 *
 * For every function the stack deploys (functions/handlers/routes.ts), and for a baseline that only imports
 * and constructs a DynamoDB client (bench/baseline-dynamodb-client.ts), it:
 *   1. builds the handler's asset with the function the CDK construct's local bundler calls
 *      (infra/constructs/bundling.ts bundleHandler: ESM split into chunks, minified, tree-shaken,
 *      source maps, AWS SDK bundled; test/infra/synth.test.ts checks the synthesized assets are
 *      byte for byte these), and
 *   2. measures module initialisation: a fresh `node` process (with the NODE_OPTIONS the functions
 *      get) records the CPU time (user + system, process.cpuUsage) and the wall time of
 *      `await import(bundle)`, with a complete fake environment (bench/fake-environment.ts). One
 *      unmeasured warm-up, then BENCH_RUNS rounds (default 15); each round imports every bundle
 *      once, and each handler's ratio is taken against the baseline of the same round.
 *
 * A second reference row, "shared libraries" (bench/baseline-shared-libraries.ts), is the baseline
 * plus what every function loads at init whatever it does (the document client, Powertools Logger,
 * middy, zod): it is not judged against the target, and shows how much of 1.3× those leave.
 *
 * "at init" is what `import()` of index.mjs reads (it and the chunks it imports statically);
 * "on use" is the chunks a handler loads with a dynamic `import()` the first time it needs them.
 *
 * The ratio that counts is CPU time: a cold start's module loading is CPU-bound (parsing and
 * running the bundle), and on a shared machine the wall time mostly measures the wait for a core.
 * The wall-time ratio is printed beside it. Issue 11's target is every function ≤ 1.3× the
 * baseline; "today" is the issue's figure before this work.
 *
 *   function             at init (bytes)    on use  init CPU (ms)  × baseline   wall ×   today      target
 *   baseline (DynamoDB)          214,712   146,765          158.5        1.00     1.00
 *   get-call                     317,931   269,127          184.7        1.41     1.44   1.6–1.8×   ≤ 1.3×  ✗ over
 *   …
 *   dialer + Tracer              532,420   296,680          296.9        1.87     1.65              ≤ 1.3×  ✗ over
 *   Over 1.3× the baseline; what each adds to it (largest first, KB):
 *     get-call: zod 35, functions/ 21, @aws-lambda-powertools/logger 17, …
 *
 * Node here may differ from Lambda's nodejs22.x on arm64: compare the ratios, not the absolutes.
 * BENCH_ONLY=create-call,dialer measures only those (and the baseline).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Metafile } from 'esbuild';
import {
  HANDLER_NAMES,
  HANDLER_NODE_OPTIONS,
  REPO_ROOT,
  bundleHandler,
  esbuildOptions,
} from '../infra/constructs/bundling.ts';
import { writeBenchRows } from './bench-rows.ts';
import { loadedAtInit } from './bundle-loading.ts';
import { FAKE_ENVIRONMENT, checkFakeEnvironment } from './fake-environment.ts';
import { wholeNumberSetting } from './settings.ts';

const RUNS = wholeNumberSetting('BENCH_RUNS', 15, 1);
const ONLY = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
/** Issue 11's target: every function's init at most this many times the baseline's. */
const TARGET_RATIO = 1.3;
const BASELINE = 'baseline (DynamoDB)';
/** Reference rows: measured like a function, never judged against the target. */
const SHARED_LIBRARIES = 'shared libraries';
const REFERENCES = [BASELINE, SHARED_LIBRARIES];

/** Issue 11's "today": each function's ratio before this work (wall time, on the same machine). */
const TODAY: Record<string, string> = { 'create-call': '1.56–2.0×', dialer: '1.5–1.9×' };
const TODAY_OTHERS = '1.6–1.8×';

/**
 * Functions also measured as on a cold start that X-Ray samples: the bundle, then the tracer's
 * chunk (functions/handlers/tracing.ts loads it on the first sampled invocation) and its Tracer.
 */
const TRACED_ROWS = ['create-call', 'dialer', 'telephony-webhooks'];
/** What Lambda's active tracing adds to the environment, and a sampled invocation's trace header. */
const TRACING_ENVIRONMENT = {
  AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
  AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
};

const MEASURE_IMPORT = `
const cpu = process.cpuUsage();
const started = performance.now();
await import(process.argv[1]);
if (process.argv[2]) {
  const chunk = await import(process.argv[2]);
  const Tracing = Object.values(chunk).find((value) => typeof value === 'function' && 'openInvocation' in value.prototype);
  new Tracing();
}
const wall = performance.now() - started;
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, wallMs: wall }));
`;

interface Bundle {
  name: string;
  file: string;
  /** What `import()` of index.mjs reads: index.mjs and the chunks it imports statically. */
  bytes: number;
  /** The chunks loaded only on first use (dynamic `import()`), not at cold start. */
  lazyBytes: number;
  /** For a "+ Tracer" row: the tracer's chunk, imported after the bundle. */
  tracerChunk?: string;
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
  const names = HANDLER_NAMES.filter((name) => !ONLY || ONLY.includes(name));
  const bundles: Array<{ name: string; dir: string; metafile: Metafile }> = [];
  const baselineDir = join(outDir, 'baseline');
  const baseline = await build({
    ...esbuildOptions(join(REPO_ROOT, 'bench', 'baseline-dynamodb-client.ts'), join(baselineDir, 'index.mjs')),
    metafile: true,
  });
  bundles.push({ name: BASELINE, dir: baselineDir, metafile: baseline.metafile });
  const sharedDir = join(outDir, 'shared');
  const shared = await build({
    ...esbuildOptions(join(REPO_ROOT, 'bench', 'baseline-shared-libraries.ts'), join(sharedDir, 'index.mjs')),
    metafile: true,
  });
  bundles.push({ name: SHARED_LIBRARIES, dir: sharedDir, metafile: shared.metafile });
  // Each handler exactly as the CDK construct builds its asset (bundleHandler), with the metafile.
  for (const [index, name] of names.entries()) {
    const dir = join(outDir, String(index));
    bundles.push({ name, dir, metafile: bundleHandler(name, dir, { metafile: true }) as Metafile });
  }
  return bundles.map(({ name, dir, metafile }) => {
    const code = Object.keys(metafile.outputs).filter((output) => output.endsWith('.mjs'));
    const entry = code.find((output) => output.endsWith('/index.mjs')) as string;
    const atInit = loadedAtInit(metafile, entry);
    const bytesByPackage = new Map<string, number>();
    for (const output of atInit) {
      for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[output]?.inputs ?? {})) {
        bytesByPackage.set(packageOf(input), (bytesByPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
      }
    }
    const size = (outputs: string[]) => outputs.reduce((sum, output) => sum + statSync(output).size, 0);
    const tracer = code.find((output) =>
      metafile.outputs[output]?.entryPoint?.endsWith('adapters/xray/powertools-tracing.ts'),
    );
    return {
      name,
      file: join(dir, 'index.mjs'),
      tracerChunk: tracer ? resolve(tracer) : undefined,
      bytes: size([...atInit]),
      lazyBytes: size(code.filter((output) => !atInit.has(output))),
      bytesByPackage,
      cpuMs: [],
      wallMs: [],
      ratios: [],
    };
  });
}

function measureInit(file: string, tracerChunk?: string): { cpuMs: number; wallMs: number } {
  const chunk = tracerChunk ? [pathToFileURL(tracerChunk).href] : [];
  const result = spawnSync(
    process.execPath,
    [HANDLER_NODE_OPTIONS, '--input-type=module', '-e', MEASURE_IMPORT, pathToFileURL(file).href, ...chunk],
    {
      env: { PATH: process.env.PATH, ...FAKE_ENVIRONMENT, ...(tracerChunk ? TRACING_ENVIRONMENT : {}) },
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
  const outDir = mkdtempSync(join(tmpdir(), 'outbound-calls-bench-'));
  try {
    const bundles = await bundleAll(outDir);
    for (const bundle of [...bundles]) {
      if (!TRACED_ROWS.includes(bundle.name) || !bundle.tracerChunk) continue;
      bundles.push({
        ...bundle,
        name: `${bundle.name} + Tracer`,
        bytes: bundle.bytes + statSync(bundle.tracerChunk).size,
        cpuMs: [],
        wallMs: [],
        ratios: [],
      });
    }
    const baseline = bundles[0] as Bundle;
    const measure = (bundle: Bundle) =>
      measureInit(bundle.file, bundle.name.endsWith(' + Tracer') ? bundle.tracerChunk : undefined);
    for (const bundle of bundles) measure(bundle);
    for (let run = 0; run < RUNS; run++) {
      for (const bundle of bundles) {
        const { cpuMs, wallMs } = measure(bundle);
        bundle.cpuMs.push(cpuMs);
        bundle.wallMs.push(wallMs);
      }
      for (const bundle of bundles) bundle.ratios.push((bundle.cpuMs[run] as number) / (baseline.cpuMs[run] as number));
    }

    const baselineWall = median(baseline.wallMs);
    const rows = bundles.map((bundle) => ({
      name: bundle.name,
      bytes: bundle.bytes,
      lazyBytes: bundle.lazyBytes,
      cpuMs: median(bundle.cpuMs),
      ratio: median(bundle.ratios),
      wallRatio: median(bundle.wallMs) / baselineWall,
    }));
    const width = Math.max(...rows.map((row) => row.name.length), 'function'.length) + 2;
    console.log(`Node ${process.version}, ${RUNS} rounds, ${HANDLER_NODE_OPTIONS}\n`);
    console.log(
      `${'function'.padEnd(width)}${'at init (bytes)'.padStart(16)}${'on use'.padStart(10)}${'init CPU (ms)'.padStart(15)}${'× baseline'.padStart(12)}${'wall ×'.padStart(9)}   ${'today'.padEnd(11)}target`,
    );
    for (const row of rows) {
      const reference = REFERENCES.includes(row.name);
      const today = reference || row.name.endsWith(' + Tracer') ? '' : (TODAY[row.name] ?? TODAY_OTHERS);
      const target = reference ? '' : `≤ ${TARGET_RATIO}×${row.ratio > TARGET_RATIO ? '  ✗ over' : ''}`;
      console.log(
        `${row.name.padEnd(width)}${row.bytes.toLocaleString('en-US').padStart(16)}${row.lazyBytes.toLocaleString('en-US').padStart(10)}${row.cpuMs.toFixed(1).padStart(15)}${row.ratio.toFixed(2).padStart(12)}${row.wallRatio.toFixed(2).padStart(9)}   ${today.padEnd(11)}${target}`,
      );
    }
    writeBenchRows(
      rows
        .filter((row) => !REFERENCES.includes(row.name))
        .map((row) => ({
          what: `cold start, ${row.name} (init CPU)`,
          before: TODAY[row.name] ?? TODAY_OTHERS,
          now: `${row.ratio.toFixed(2)}×`,
          target: `≤ ${TARGET_RATIO}× baseline`,
          met: row.ratio <= TARGET_RATIO,
        })),
    );
    const over = bundles.filter(
      (bundle, index) => !REFERENCES.includes(bundle.name) && (rows[index]?.ratio ?? 0) > TARGET_RATIO,
    );
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
