import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { DynamoDbReconcilerQueries } from '#adapters/dynamodb/reconciler-queries';
import { DynamoDbSlotCounters } from '#adapters/dynamodb/slot-counters';
import { DynamoDbSuppressionStore } from '#adapters/dynamodb/suppression-store';
import { systemClock } from '#ports/clock';
import { TableEnvSchema, parseEnv } from '#schemas/env';
import { loggedFailure } from '../batch-failures.ts';
import { logger } from '../logger.ts';

/** The table's adapters, built once per Lambda instance at cold start. */
export const tableEnv = parseEnv(TableEnvSchema, process.env);
export const db = createDocumentClient();
export const clock = systemClock;
export const calls = new DynamoDbCallRepository(db, tableEnv.TABLE_NAME, clock);
export const slotCounters = new DynamoDbSlotCounters(db, tableEnv.TABLE_NAME);
export const reconcilerQueries = new DynamoDbReconcilerQueries(db, tableEnv.TABLE_NAME, (key, error) =>
  logger.error('Skipped a call item the reconciler cannot read; fix or delete it', { key, ...loggedFailure(error) }),
);
export const directory = new DynamoDbDirectory(db, tableEnv.TABLE_NAME);
export const suppressions = new DynamoDbSuppressionStore(db, tableEnv.TABLE_NAME, (key, error) =>
  logger.error('Skipped a suppression item that cannot be read; fix or delete it', { key, ...loggedFailure(error) }),
);
