import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { sendSettled } from '../send-settled.ts';
import { WRITE_ID, isConditionalCheckFailure, writeOnce } from './client.ts';

/**
 * Deletes one item and tells whether it was there (true) or not (false), with the same answer
 * when the SDK sends the request twice (writeOnce in client.ts says why it may).
 *
 * A DeleteItem alone cannot: after a first attempt that DynamoDB applied and whose answer was
 * lost, the repeat finds nothing, and a removal that happened would be answered as "not found".
 * So the item is first stamped through writeOnce on the condition that it exists (a repeat of
 * that recognises its own stamp); an item that was there is then deleted (a repeat of the delete
 * finds no stamp of its own and changes nothing). Two writes instead of one, for removals that are rare
 * (an endpoint or a suppression deleted through the API).
 * Two concurrent removals of one item may both answer true: each saw it there, and it is gone.
 *
 * `key` is the item's primary key (`pk`, `sk`); rejects with DynamoDB's error for anything but a
 * missing item, or with OutcomeUnknownError when a write went unanswered even when sent again.
 */
export async function deleteOnce(
  db: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, string>,
): Promise<boolean> {
  const writeId = randomUUID();
  try {
    await writeOnce(
      db,
      { update: { TableName: tableName, Key: key, ConditionExpression: 'attribute_exists(pk)' } },
      writeId,
    );
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
  // Only the item this removal stamped: a repeat after the first landed, or after the item was
  // added again meanwhile (a number suppressed again), finds no stamp of its own and changes nothing.
  try {
    await sendSettled((abortSignal) =>
      db.send(
        new DeleteCommand({
          TableName: tableName,
          Key: key,
          ConditionExpression: '#writeId = :writeId',
          ExpressionAttributeNames: { '#writeId': WRITE_ID },
          ExpressionAttributeValues: { ':writeId': writeId },
        }),
        { abortSignal },
      ),
    );
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
  }
  return true;
}
