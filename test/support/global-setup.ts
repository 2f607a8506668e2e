import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startDynamoDbLocal, startMoto } from '../../local/emulators.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    motoEndpoint: string;
    /**
     * The run's temporary directory, removed when the run ends: the handler bundles, built once by
     * the first file that needs them (handler-bundles.ts), and every file's scratch directories
     * (scratch-dir.ts).
     */
    runTempDir: string;
  }
}

/**
 * One in-memory DynamoDB Local and one moto for the whole run; each test file uses its own table
 * and queues. And one temporary directory for the run, removed at its end: the handler bundles the
 * infra tests share (handler-bundles.ts) and the apps they synthesize (stack-fixture.ts).
 */
export default async function setup(project: TestProject) {
  const [dynamodb, moto] = await Promise.all([
    startDynamoDbLocal({ port: await freePort() }),
    startMoto({ port: await freePort() }),
  ]);
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('motoEndpoint', moto.endpoint);
  const runTempDir = mkdtempSync(join(tmpdir(), 'outbound-calls-test-run-'));
  project.provide('runTempDir', runTempDir);
  return async () => {
    await Promise.all([dynamodb.stop(), moto.stop()]);
    rmSync(runTempDir, { recursive: true, force: true });
  };
}
