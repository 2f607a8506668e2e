import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The items of `tableName` whose partition key `pk` begins with one of `prefixes`, each as its
 * `pk`, `sk` and `attributes` joined by `|` (a missing value is empty), one line per item, sorted:
 * two fingerprints are equal when no such item was added, removed or changed in those attributes.
 * The hostile-input tests take one before and after a request that was refused, to show it changed
 * nothing. DynamoDB filters and projects (a strongly consistent Scan), so only the few attributes
 * compared cross the wire, not every event and delivery item the background writes meanwhile.
 */
export async function tableFingerprint(
  db: DynamoDBDocumentClient,
  tableName: string,
  prefixes: readonly string[],
  attributes: readonly string[],
): Promise<string> {
  const names = ['pk', 'sk', ...attributes];
  const ExpressionAttributeNames = Object.fromEntries(names.map((name, i) => [`#a${i}`, name]));
  const ExpressionAttributeValues = Object.fromEntries(prefixes.map((prefix, i) => [`:p${i}`, prefix]));
  const lines: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ExclusiveStartKey: start,
        FilterExpression: prefixes.map((_, i) => `begins_with(#a0, :p${i})`).join(' OR '),
        ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames,
        ExpressionAttributeValues,
      }),
    );
    for (const item of page.Items ?? []) lines.push(names.map((name) => String(item[name] ?? '')).join('|'));
    start = page.LastEvaluatedKey;
  } while (start);
  return lines.sort().join('\n');
}

/**
 * The partition key prefixes of the items an API request can change: calls, idempotency records,
 * the account's own items (endpoints, numbers, suppressions), API keys and number claims. The
 * rest (events, deliveries, page starts, campaign counts) is written in the background.
 */
export const PRIMARY_PREFIXES = ['CALL#', 'IDEMPOTENCY#', 'ACCOUNT#', 'APIKEYHASH#', 'NUMBER#'] as const;
