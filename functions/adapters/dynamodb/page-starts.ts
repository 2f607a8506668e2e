import { createHash } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LIST_LIMITS } from '#schemas/list-calls-query';
import type { Clock } from '#ports/clock';
import type { PageStart, PageStarts } from '#ports/page-starts';
import { TABLE, keys } from './table-design.ts';

/**
 * Page starts as small TTL items (`PAGESTART#<account>#<hash of the listing>`, sort key the
 * zero-padded page number): one consistent Query with `Limit: 1` finds the nearest one at or
 * before a page, one PutItem remembers one. DynamoDB's TTL sweep is lazy (up to days), so an
 * expired item still found is ignored.
 */
export class DynamoDbPageStarts implements PageStarts {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async nearest(accountId: string, listing: string, page: number): Promise<PageStart | null> {
    const key = keys.pageStart(accountId, listingHash(listing), page);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk <= :sk',
        ExpressionAttributeValues: { ':pk': key.pk, ':sk': key.sk },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = result.Items?.[0];
    if (!item || Number(item[TABLE.ttlAttribute]) <= this.nowEpoch()) return null;
    const { createdAt, id } = item.after as Record<string, unknown>;
    if (typeof createdAt !== 'string' || typeof id !== 'string' || typeof item.page !== 'number') return null;
    return { page: item.page, after: { createdAt, id } };
  }

  async remember(accountId: string, listing: string, start: PageStart): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.pageStart(accountId, listingHash(listing), start.page),
          page: start.page,
          after: start.after,
          [TABLE.ttlAttribute]: this.nowEpoch() + LIST_LIMITS.pageStartTtlSeconds,
        },
      }),
    );
  }

  private nowEpoch(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}

/** A listing's filters as a short key: 22 characters of SHA-256, base64url. */
const listingHash = (listing: string) => createHash('sha256').update(listing).digest('base64url').slice(0, 22);
