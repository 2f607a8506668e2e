import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbReconcilerQueries } from '#adapters/dynamodb/reconciler-queries';
import { RECONCILER_INDEX, keys, watchdogShard } from '#adapters/dynamodb/table-design';
import { DynamoDbWebhookStore } from '#adapters/dynamodb/webhook-store';
import { systemClock } from '#ports/clock';
import { ensureTable } from '../../local/tables.ts';
import { aCall } from '../support/calls.ts';

/**
 * An item this code cannot read (written by a newer or older version of it, or by hand) must not
 * stop every reader of its neighbours: the reconciler still sees every other unfinished call, and
 * an account's events still find its other webhook endpoints. The item is reported by its key.
 */
describe('unreadable items in the table', () => {
  const tableName = `unreadable-${randomUUID().slice(0, 8)}`;
  let db: ReturnType<typeof createDocumentClient>;

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const client = new DynamoDBClient({});
    await ensureTable(client, tableName);
    db = createDocumentClient(client);
  });

  it('the reconciler skips and reports a call item it cannot read, and still lists the others', async () => {
    const good = aCall();
    await new DynamoDbCallRepository(db, tableName, systemClock).create(good);
    const badId = 'obc_01JZZZZZZZZZZZZZZZZZZZZZZZ';
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.call(badId),
          id: badId,
          status: 'a status from the future',
          [RECONCILER_INDEX.partitionKey]: watchdogShard(badId),
          [RECONCILER_INDEX.sortKey]: '2020-01-01T00:00:00Z',
        },
      }),
    );
    const reported: string[] = [];
    const queries = new DynamoDbReconcilerQueries(db, tableName, (key) => reported.push(key));
    expect((await queries.listWatchdogDue('2030-01-01T00:00:00Z', 100)).map((call) => call.id)).toEqual([good.id]);
    expect((await queries.listUnfinished()).map((call) => call.id)).toEqual([good.id]);
    expect(reported).toEqual([`CALL#${badId}|CALL`, `CALL#${badId}|CALL`]);
  });

  it("an account's unreadable webhook endpoint is skipped and reported, the others still listed", async () => {
    const accountId = 'acc_unreadable';
    const endpoint = {
      id: 'whk_01JZZZZZZZZZZZZZZZZZZZZZZZ',
      accountId,
      url: 'https://example.com/hooks',
      events: ['SessionEnded' as const],
      description: null,
      enabled: true,
      disabledReason: null,
      createdAt: '2030-01-01T00:00:00Z',
      activeAt: '2030-01-01T00:00:00Z',
      updatedAt: '2030-01-01T00:00:00Z',
      secrets: [{ secret: 'whsec_x', createdAt: '2030-01-01T00:00:00Z', expiresAt: null }],
      revision: 0,
    };
    const reported: string[] = [];
    const store = new DynamoDbWebhookStore(db, tableName, (key) => reported.push(key));
    await store.createEndpoint(endpoint);
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.accountWebhook(accountId, 'whk_bad'), events: ['AnEventFromTheFuture'] },
      }),
    );
    expect((await store.listEndpoints(accountId)).map((e) => e.id)).toEqual([endpoint.id]);
    expect(reported).toEqual([`ACCOUNT#${accountId}|WEBHOOK#whk_bad`]);
  });
});
