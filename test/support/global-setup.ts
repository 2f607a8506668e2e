import type { TestProject } from 'vitest/node';
import { freePort, startDynamoDbLocal, startMoto } from '../../local/emulators.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    motoEndpoint: string;
  }
}

/** One in-memory DynamoDB Local and one moto for the whole run; each test file uses its own table and queues. */
export default async function setup(project: TestProject) {
  const [dynamodb, moto] = await Promise.all([
    startDynamoDbLocal({ port: await freePort() }),
    startMoto({ port: await freePort() }),
  ]);
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('motoEndpoint', moto.endpoint);
  return async () => {
    await Promise.all([dynamodb.stop(), moto.stop()]);
  };
}
