import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientOptions } from '#adapters/aws-client-options';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { DynamoDbPageStarts } from '#adapters/dynamodb/page-starts';
import { DynamoDbReconcilerQueries } from '#adapters/dynamodb/reconciler-queries';
import { DynamoDbSlotCounters } from '#adapters/dynamodb/slot-counters';
import { DynamoDbSuppressionStore } from '#adapters/dynamodb/suppression-store';
import { systemClock } from '#ports/clock';
import { TableEnvSchema, parseEnv } from '#schemas/env';
import { loggedFailure } from '../batch-failures.ts';
import { logger } from '../logger.ts';
import { traced } from '../tracing.ts';

/**
 * The table's adapters, built once per Lambda instance at cold start. Each is marked pure so that
 * esbuild leaves out of a function's bundle the ones it does not use, and with them their
 * schemas and libraries (docs/architecture.md, "Cold start").
 */
export const tableEnv = parseEnv(TableEnvSchema, process.env);
export const db = createDocumentClient(traced(new DynamoDBClient(awsClientOptions(process.env))));
export const clock = systemClock;
const tableName = tableEnv.TABLE_NAME;
export const calls = /* @__PURE__ */ new DynamoDbCallRepository(db, tableName, clock);
export const slotCounters = /* @__PURE__ */ new DynamoDbSlotCounters(db, tableName);
export const reconcilerQueries = /* @__PURE__ */ new DynamoDbReconcilerQueries(db, tableName, (key, error) =>
  logger.error('Skipped a call item the reconciler cannot read; fix or delete it', { key, ...loggedFailure(error) }),
);
export const directory = /* @__PURE__ */ new DynamoDbDirectory(db, tableName);
export const pageStarts = /* @__PURE__ */ new DynamoDbPageStarts(db, tableName, clock);
export const suppressions = /* @__PURE__ */ new DynamoDbSuppressionStore(db, tableName, (key, error) =>
  logger.error('Skipped a suppression item that cannot be read; fix or delete it', { key, ...loggedFailure(error) }),
);
