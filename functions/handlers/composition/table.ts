import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbCallStore } from '#adapters/dynamodb/call-store';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { systemClock } from '#ports/clock';
import { TableEnvSchema, parseEnv } from '#schemas/env';

/** The table's adapters, built once per Lambda instance at cold start. */
export const tableEnv = parseEnv(TableEnvSchema, process.env);
export const db = createDocumentClient();
export const clock = systemClock;
export const calls = new DynamoDbCallStore(db, tableEnv.TABLE_NAME, clock);
export const directory = new DynamoDbDirectory(db, tableEnv.TABLE_NAME);
