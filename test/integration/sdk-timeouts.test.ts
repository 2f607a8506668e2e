import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFreezableProxy } from '../support/freezable-proxy.ts';

/**
 * A dependency that accepts the connection and never answers (a hung connection, a frozen
 * emulator) must cost an attempt, not the whole invocation: every AWS SDK client the functions
 * build carries a per-attempt timeout (adapters/aws-client-options.ts), after which the SDK
 * retries and then gives up with a TimeoutError the function handles like any other failure.
 * Without one the request waits until the Lambda function itself times out.
 */
describe('AWS SDK clients against a dependency that never answers', () => {
  let dynamodb: Awaited<ReturnType<typeof startFreezableProxy>>;
  let moto: Awaited<ReturnType<typeof startFreezableProxy>>;

  beforeAll(async () => {
    dynamodb = await startFreezableProxy(inject('dynamodbEndpoint'));
    moto = await startFreezableProxy(inject('motoEndpoint'));
    // The composition roots read these when first imported (this file's modules are fresh).
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: moto.endpoint,
      TABLE_NAME: 'sdk-timeouts',
      AWS_SDK_REQUEST_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await dynamodb.stop();
    await moto.stop();
  });

  it('the table adapters give up with a TimeoutError after the SDK retried, then work once it answers', async () => {
    const { calls } = await import('../../functions/handlers/composition/table.ts');
    dynamodb.freeze();
    const error = await calls.getById('obc_01M8EHKFKGWDY2XBPKECRRF86P').catch((failure: unknown) => failure);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect((error as { $metadata: { attempts: number } }).$metadata.attempts).toBeGreaterThan(1);
    dynamodb.thaw();
    // The table does not exist: an answer, not a hang.
    await expect(calls.getById('obc_01M8EHKFKGWDY2XBPKECRRF86P')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('the SQS client built on first use gives up the same way', async () => {
    const { sqsClient } = await import('../../functions/handlers/composition/clients.ts');
    const sqs = await sqsClient();
    moto.freeze();
    const error = await sqs.send(new GetQueueUrlCommand({ QueueName: 'none' })).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect((error as { $metadata: { attempts: number } }).$metadata.attempts).toBeGreaterThan(1);
    moto.thaw();
  });

  it('every AWS SDK client the functions build is given the timeouts', () => {
    const sources = sourceFiles(join(import.meta.dirname, '../../functions'));
    const constructions = sources.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new (\w+Client)\(([^)]*)\)/g)].map((match) => ({
        file,
        client: match[1],
        options: match[2],
      })),
    );
    const built = constructions;
    expect(built.map((construction) => construction.client)).toEqual(
      expect.arrayContaining(['DynamoDBClient', 'SQSClient', 'SchedulerClient', 'EventBridgeClient']),
    );
    for (const construction of built) {
      // awsClientOptions(…) itself, or a constant the same file reads from it at start.
      const options = (construction.options ?? '').match(/^awsClientOptions\(|^(\w+)$/);
      expect(options, `${construction.file}: new ${construction.client}(${construction.options})`).not.toBeNull();
      if (options?.[1])
        expect(readFileSync(construction.file, 'utf8')).toMatch(
          new RegExp(`const ${options[1]} = awsClientOptions\\(`),
        );
    }
  });
});

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
