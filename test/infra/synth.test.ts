import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_BUNDLE, HANDLER_NAMES, REPO_ROOT } from '../../infra/constructs/bundling.ts';
import { handlerBundles } from '../support/handler-bundles.ts';
import { findCycle, resourcesOfType, type CfnTemplate } from './stack-fixture.ts';

/** Variables that would let the CDK reach an AWS account; `cdk synth` must not need any of them. */
const AWS_ACCESS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'CDK_DEFAULT_ACCOUNT',
  'CDK_DEFAULT_REGION',
];

/**
 * `npx cdk synth` exactly as an operator runs it (cdk.json, tsx, every function bundled by local
 * esbuild), once for the file: no AWS credentials, and CDK_DOCKER pointing at a command that does
 * not exist, so any attempt to bundle in Docker would fail the synth. prod with the carrier
 * simulator asked for (it is off in prod by default), so every handler's bundle is built, and the
 * context setting is seen to work; stack.test.ts checks prod without it. The assets are compared
 * with the run's shared bundles (handler-bundles.ts), which env-contract.test.ts loads as Lambda
 * would, so each deployed asset is seen to load.
 */
const outdir = mkdtempSync(join(tmpdir(), 'outbound-calls-synth-'));
let template: CfnTemplate;

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_DOCKER: 'docker-is-not-used-here',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
  for (const name of AWS_ACCESS) delete env[name];
  await promisify(execFile)(
    'npx',
    ['cdk', 'synth', '--quiet', '--no-notices', '-c', 'stage=prod', '-c', 'carrierSimulator=true', '-o', outdir],
    { cwd: REPO_ROOT, env },
  );
  template = JSON.parse(readFileSync(join(outdir, 'OutboundCalls-prod.template.json'), 'utf8'));
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk synth of the whole app', () => {
  const functionAssets = () =>
    resourcesOfType(template, 'AWS::Lambda::Function').map(([id, fn]) => ({
      id,
      dir: join(
        outdir,
        (template.Resources[id] as unknown as { Metadata: Record<string, string> }).Metadata[
          'aws:asset:path'
        ] as string,
      ),
      handler: String(fn.Properties?.Description).replace('outbound-calls ', ''),
    }));

  it('produces an environment-agnostic template without a dependency cycle', () => {
    expect(
      resourcesOfType(template, 'AWS::Lambda::Function')
        .map(([, fn]) => fn.Properties?.Description)
        .sort(),
    ).toEqual(HANDLER_NAMES.map((name) => `outbound-calls ${name}`).sort());
    expect(findCycle(template)).toBeNull();
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts['OutboundCalls-prod'].environment).toBe('aws://unknown-account/unknown-region');
  });

  it('bundles each function into minified ESM files (index.mjs and its chunks) with source maps, the AWS SDK inside', () => {
    for (const { dir, handler } of functionAssets()) {
      const modules = readdirSync(dir).filter((file) => file.endsWith('.mjs'));
      expect(modules, handler).toContain('index.mjs');
      for (const file of modules) {
        const code = readFileSync(join(dir, file), 'utf8');
        expect(existsSync(join(dir, `${file}.map`)), `${handler} ${file}`).toBe(true);
        expect(code.startsWith(HANDLER_BUNDLE.banner), `${handler} ${file}`).toBe(true);
        // Minified: long lines (the few line breaks left are inside template literals).
        if (file === 'index.mjs') expect(code.length / code.split('\n').length, handler).toBeGreaterThan(1000);
        // The AWS SDK is inside the asset, not imported from the runtime's copy.
        expect(code, `${handler} ${file}`).not.toMatch(/(from|import\()\s*["']@(aws-sdk|smithy)\//);
      }
    }
  });

  it('deploys exactly what `npm run bench` measures and env-contract.test.ts loads: each asset is, file for file, what bundleHandler builds', async () => {
    const bundles = await handlerBundles();
    for (const { dir, handler } of functionAssets()) {
      const files = readdirSync(dir).sort();
      const mine = bundles.dir(handler);
      expect(readdirSync(mine).sort(), handler).toEqual(files);
      for (const file of files)
        expect(readFileSync(join(dir, file)).equals(readFileSync(join(mine, file))), `${handler} ${file}`).toBe(true);
    }
  });
});
