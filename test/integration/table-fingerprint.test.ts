import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { ensureTable } from '../../local/tables.ts';
import { PRIMARY_PREFIXES, tableFingerprint } from '../support/table-fingerprint.ts';

/** The hostile-input tests' "changed nothing" check must be able to fail. */
describe('tableFingerprint (test/support/table-fingerprint.ts)', () => {
  it('changes when an item of a listed prefix is added or changes a listed attribute, and only then', async () => {
    const tableName = `fingerprint-${randomUUID().slice(0, 8)}`;
    const raw = new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(raw, tableName);
    const db = DynamoDBDocumentClient.from(raw);
    const print = () => tableFingerprint(db, tableName, PRIMARY_PREFIXES, ['status', 'version']);
    await db.send(
      new PutCommand({ TableName: tableName, Item: { pk: 'CALL#1', sk: 'CALL', status: 'queued', version: 1 } }),
    );
    const first = await print();
    expect(first).toBe('CALL#1|CALL|queued|1');

    // Items of other prefixes, and attributes not listed, are not part of it.
    await db.send(new PutCommand({ TableName: tableName, Item: { pk: 'EVENT#1', sk: 'EVENT', status: 'x' } }));
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'CALL#1', sk: 'CALL' },
        UpdateExpression: 'SET note = :n',
        ExpressionAttributeValues: { ':n': 'unlisted' },
      }),
    );
    expect(await print()).toBe(first);

    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'CALL#1', sk: 'CALL' },
        UpdateExpression: 'SET version = :v',
        ExpressionAttributeValues: { ':v': 2 },
      }),
    );
    expect(await print()).toBe('CALL#1|CALL|queued|2');
    await db.send(new PutCommand({ TableName: tableName, Item: { pk: 'IDEMPOTENCY#a#k', sk: 'IDEMPOTENCY' } }));
    expect(await print()).toBe('CALL#1|CALL|queued|2\nIDEMPOTENCY#a#k|IDEMPOTENCY||');
  });
});
