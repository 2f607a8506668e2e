import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SuppressionSchema, type Suppression } from '#schemas/suppressions';
import type { SuppressionPage, SuppressionStore } from '#ports/suppressions';
import { isConditionalCheckFailure, writeOnce } from './client.ts';
import { deleteOnce } from './delete-once.ts';
import { queryAll, readableItems, type OnUnreadableItem } from './query.ts';
import { keys } from './table-design.ts';

/** BatchGetItem reads at most 100 keys per request. */
const BATCH_GET_LIMIT = 100;
/** Rounds of re-asking for keys DynamoDB left unprocessed (throttling) before giving up loudly. */
const UNPROCESSED_ROUNDS = 8;

const SK_PREFIX = 'SUPPRESSION#';

/** Suppressed numbers live in their account's partition, one item each: `SUPPRESSION#<E.164>`. */
export class DynamoDbSuppressionStore implements SuppressionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onUnreadable: OnUnreadableItem = () => undefined,
  ) {}

  /** Through writeOnce: a repeat of an add that landed is still `created`, not the entry found already there. */
  async add(accountId: string, suppression: Suppression): Promise<{ suppression: Suppression; created: boolean }> {
    try {
      await writeOnce(this.db, {
        put: {
          TableName: this.tableName,
          Item: { ...keys.accountSuppression(accountId, suppression.phoneNumber), ...suppression },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      return { suppression, created: true };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const existing = await this.suppressedItems(accountId, [suppression.phoneNumber]);
      // Removed again in between: the entry asked for is as good an answer as any.
      return { suppression: existing[0] ?? suppression, created: false };
    }
  }

  /** Whether the number was on the list; a repeat of a removal that landed still answers true (deleteOnce). */
  remove(accountId: string, phoneNumber: string): Promise<boolean> {
    return deleteOnce(this.db, this.tableName, keys.accountSuppression(accountId, phoneNumber));
  }

  async suppressedAmong(accountId: string, phoneNumbers: readonly string[]): Promise<Set<string>> {
    const items = await this.suppressedItems(accountId, phoneNumbers);
    return new Set(items.map((item) => item.phoneNumber));
  }

  async list(accountId: string, page: { offset: number; limit: number; after?: string }): Promise<SuppressionPage> {
    const start = page.after ? { ExclusiveStartKey: keys.accountSuppression(accountId, page.after) } : {};
    const items = await queryAll(
      this.db,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.account(accountId).pk, ':prefix': SK_PREFIX },
        ...start,
      },
      page.offset + page.limit + 1,
    );
    const wanted = items.slice(page.offset, page.offset + page.limit);
    return {
      suppressions: readableItems(wanted, (item) => SuppressionSchema.parse(item), this.onUnreadable),
      hasMore: items.length > page.offset + page.limit,
    };
  }

  /** The stored entries of those numbers that are on the list, read consistently in batches of 100. */
  private async suppressedItems(accountId: string, phoneNumbers: readonly string[]): Promise<Suppression[]> {
    const unique = [...new Set(phoneNumbers)];
    const found: Suppression[] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let pending: Record<string, unknown>[] = unique
        .slice(i, i + BATCH_GET_LIMIT)
        .map((number) => keys.accountSuppression(accountId, number));
      for (let round = 0; pending.length > 0; round += 1) {
        if (round === UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept suppression reads unprocessed');
        const result = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        const items = result.Responses?.[this.tableName] ?? [];
        found.push(...readableItems(items, (item) => SuppressionSchema.parse(item), this.onUnreadable));
        pending = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found;
  }
}
