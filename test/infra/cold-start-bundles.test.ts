import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadedAtInit } from '../../bench/bundle-loading.ts';
import { type HandlerBundles, handlerBundles } from '../support/handler-bundles.ts';

/**
 * What a function's cold start leaves to first use (docs/architecture.md, "Cold start"), checked
 * on the bundles as the CDK construct builds them (the run's shared bundles, handler-bundles.ts): a package listed here must not be in what
 * `import()` of index.mjs reads (index.mjs and the chunks it imports statically), and must be in
 * a chunk the function can load later. The timings are `npm run bench:cold-start`'s; this only
 * keeps the cuts from coming back unnoticed.
 */
const LEFT_FOR_FIRST_USE: Record<string, string[]> = {
  'create-call': ['luxon', '@aws-sdk/client-sqs', '@aws-sdk/client-scheduler'],
  campaigns: ['luxon', '@aws-sdk/client-sqs', '@aws-sdk/client-scheduler'],
  dialer: ['luxon', '@aws-sdk/client-sqs', '@aws-sdk/client-scheduler'],
  reconciler: ['luxon', '@aws-sdk/client-sqs', '@aws-sdk/client-scheduler'],
  'telephony-webhooks': ['luxon', '@aws-sdk/client-sqs', '@aws-sdk/client-scheduler'],
  'cancel-call': ['@aws-sdk/client-scheduler'],
  'webhook-endpoints': ['ipaddr.js', '@aws-sdk/client-sqs'],
  'events-stream': ['@aws-sdk/client-sqs'],
};

const packageOf = (input: string) => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? null;

/** The packages in the outputs `import()` of index.mjs reads at once, and in all the others. */
function packagesByLoading(metafile: Metafile): { atInit: Set<string>; onUse: Set<string>; inputs: string[] } {
  const entry = Object.keys(metafile.outputs).find((output) => output.endsWith('/index.mjs')) as string;
  const loaded = loadedAtInit(metafile, entry);
  const atInit = new Set<string>();
  const onUse = new Set<string>();
  for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
    for (const input of Object.keys(inputs)) {
      const name = packageOf(input);
      if (name) (loaded.has(output) ? atInit : onUse).add(name);
    }
  }
  return { atInit, onUse, inputs: Object.keys(metafile.inputs) };
}

let bundles: HandlerBundles;
beforeAll(async () => {
  bundles = await handlerBundles();
});

describe('what each function loads at cold start', () => {
  it.each(Object.entries(LEFT_FOR_FIRST_USE))('%s leaves its rarely used libraries for first use', (name, later) => {
    const { atInit, onUse, inputs } = packagesByLoading(bundles.metafile(name));
    for (const pkg of later) {
      expect(atInit.has(pkg), `${pkg} loaded at ${name}'s cold start`).toBe(false);
      expect(onUse.has(pkg), `${pkg} in a chunk ${name} loads on use`).toBe(true);
    }
    // Phone numbers are checked with the trimmed metadata (functions/schemas/generated), never the package's.
    expect(inputs.filter((input) => input.includes('libphonenumber-js/metadata.'))).toEqual([]);
  });
});
