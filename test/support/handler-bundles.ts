import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { inject } from 'vitest';
import { HANDLER_NAMES, bundleHandler } from '../../infra/constructs/bundling.ts';

/** Every handler's Lambda asset, built once per test run: where it is and what went into it. */
export interface HandlerBundles {
  /** The asset directory of `handler` (index.mjs, its chunks, source maps and data files). */
  dir(handler: string): string;
  /** esbuild's metafile of `handler`'s build: its inputs and outputs. */
  metafile(handler: string): Metafile;
}

/** How long a file waits for another file's build before it fails: a hang guard, not a timing claim. */
const WAIT_MS = 600_000;

/**
 * Every handler bundled exactly as the CDK construct builds its asset (bundleHandler), once for the
 * whole run: the first test file that asks builds them into the run's directory (global-setup.ts,
 * `runTempDir`), the others wait for it and read the same files. Bundling every function is
 * the most CPU a test file spends, and env-contract, cold-start-bundles and synth each needed it.
 * Rejects with the build's error if it failed (in whichever file built), or after WAIT_MS.
 */
export async function handlerBundles(): Promise<HandlerBundles> {
  const root = inject('runTempDir');
  const done = join(root, 'done');
  const failed = join(root, 'failed');
  const bundles: HandlerBundles = {
    dir: (handler) => join(root, handler),
    metafile: (handler) => JSON.parse(readFileSync(join(root, `${handler}.metafile.json`), 'utf8')) as Metafile,
  };
  let builder = true;
  try {
    // mkdir is atomic: exactly one file of the run gets to build.
    mkdirSync(join(root, 'lock'));
  } catch {
    builder = false;
  }
  if (builder) {
    try {
      for (const handler of HANDLER_NAMES) {
        const metafile = bundleHandler(handler, bundles.dir(handler), { metafile: true });
        writeFileSync(join(root, `${handler}.metafile.json`), JSON.stringify(metafile));
      }
      writeFileSync(done, '');
    } catch (error) {
      writeFileSync(failed, String((error as Error).stack ?? error));
      throw error;
    }
    return bundles;
  }
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(done)) {
    if (existsSync(failed)) throw new Error(`Bundling the handlers failed:\n${readFileSync(failed, 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`No handler bundles in ${root} after ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return bundles;
}
