import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbCallStore } from '#adapters/dynamodb/call-store';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { systemClock } from '#ports/clock';
import { ApiFunctionEnvSchema, parseEnv } from '#schemas/env';

/** Composition root of the API functions: built once per Lambda instance, at cold start. */
const env = parseEnv(ApiFunctionEnvSchema, process.env);
const db = createDocumentClient();

export const clock = systemClock;
export const calls = new DynamoDbCallStore(db, env.TABLE_NAME, clock);
export const directory = new DynamoDbDirectory(db, env.TABLE_NAME);
