import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './table-design.ts';

export type Item = Record<string, unknown>;

/** Told about an item a reader skipped because it cannot be read (its key, and why). */
export type OnUnreadableItem = (key: string, error: unknown) => void;

/**
 * The items `read` accepts. One unreadable item (written by another version of the code, or by
 * hand) must not stop every reader of its neighbours: it is skipped and reported by its key.
 */
export function readableItems<T>(items: Item[], read: (item: Item) => T, onUnreadable: OnUnreadableItem): T[] {
  const readable: T[] = [];
  for (const item of items) {
    try {
      readable.push(read(item));
    } catch (error) {
      onUnreadable(`${String(item.pk)}|${String(item.sk)}`, error);
    }
  }
  return readable;
}

/** DynamoDB returns at most this many items per Query page that we ask for. */
const QUERY_PAGE_LIMIT = 1000;

/** Runs a Query page after page to its end, or until `atMost` items. */
export async function queryAll(
  db: DynamoDBDocumentClient,
  input: QueryCommand['input'],
  atMost = Infinity,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey = input.ExclusiveStartKey;
  do {
    const page = await db.send(
      new QueryCommand({
        ...input,
        ExclusiveStartKey: startKey,
        Limit: Math.min(atMost - items.length, QUERY_PAGE_LIMIT),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < atMost);
  return items;
}

/**
 * The items of one kind in an account's partition: its agents, numbers, keys or webhook endpoints;
 * `consistent` reads strongly (every write answered before is seen; twice the read units).
 */
export function queryAccountItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  accountId: string,
  skPrefix: string,
  options: { consistent?: boolean } = {},
): Promise<Item[]> {
  return queryAll(db, {
    TableName: tableName,
    ConsistentRead: options.consistent,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.account(accountId).pk, ':prefix': skPrefix },
  });
}
