import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
  type PutCommandInput,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { awsClientOptions } from '../aws-client-options.ts';

/**
 * One document client per process. Endpoint and region come from the standard AWS_* variables;
 * without a client of its own, one with the functions' timeouts (aws-client-options.ts).
 */
export function createDocumentClient(
  client = new DynamoDBClient(awsClientOptions(process.env)),
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** For a cancelled transaction, the codes of each item's reason ('None' for the ones that were fine). */
export function transactionCancellationCodes(error: unknown): string[] | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

/**
 * The attribute a write sent through `writeOnce` stamps on its item: a fresh random id per write
 * (a UUID string). Readers ignore it (the item schemas strip keys they do not know).
 */
export const WRITE_ID = 'writeId';

/**
 * Sends one conditional PutItem or UpdateItem so that it takes effect, and is reported, exactly
 * once, even when the SDK sends it twice.
 *
 * The SDK retries a request whose answer it did not get (a reset connection, a request timeout,
 * a 5xx), and DynamoDB may have applied the first attempt already: the retry then fails its
 * condition against the write's own result, and a write that happened would be reported as lost
 * to a concurrent writer ("Condition expressions", Amazon DynamoDB Developer Guide; transactions
 * are safe without this: the SDK fills in TransactWriteItems' ClientRequestToken once per send,
 * and DynamoDB answers a repeat of it within 10 minutes as the first).
 *
 * Each write stamps `writeId` (WRITE_ID) with a fresh id, adds "and not already this write" to its
 * condition (so a repeat never applies twice, even when the condition holds again by the time it
 * arrives), and asks for the item a failed condition found
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`). A failure that found this write's own id is
 * the first attempt's success: it resolves as a success, with `Attributes` the item as found
 * when the input asked for `ReturnValues: 'ALL_NEW'` (an empty output otherwise): the write's
 * result, plus whatever writers that do not stamp `writeId` (transactions, plain updates) changed
 * since. Any other failure rejects as DynamoDB reported it (ConditionalCheckFailedException for
 * a condition that another write broke). The id is added to the UpdateExpression's SET clause, or
 * in one of its own.
 */
export async function writeOnce(
  db: DynamoDBDocumentClient,
  write: { put: PutCommandInput } | { update: UpdateCommandInput },
): Promise<Pick<UpdateCommandOutput, 'Attributes'>> {
  const writeId = randomUUID();
  // The write's condition, and not a second time: a repeat whose condition holds again by then
  // (the value went back, or a late first attempt) fails here and is recognised below.
  const notAgain = '(attribute_not_exists(#writeId) OR #writeId <> :writeId)';
  const guard = (input: PutCommandInput | UpdateCommandInput) => ({
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    ConditionExpression: input.ConditionExpression ? `(${input.ConditionExpression}) AND ${notAgain}` : notAgain,
    ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#writeId': WRITE_ID },
    ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':writeId': writeId },
  });
  try {
    if ('put' in write) {
      await db.send(
        new PutCommand({ ...write.put, ...guard(write.put), Item: { ...write.put.Item, [WRITE_ID]: writeId } }),
      );
      return {};
    }
    const input = write.update;
    const output = await db.send(
      new UpdateCommand({ ...input, ...guard(input), UpdateExpression: withWriteIdSet(input.UpdateExpression ?? '') }),
    );
    return { Attributes: output.Attributes };
  } catch (error) {
    const found = isConditionalCheckFailure(error) ? (error as { Item?: Record<string, never> }).Item : undefined;
    if (!found || (found[WRITE_ID] as { S?: string } | undefined)?.S !== writeId) throw error;
    const returnsNew = 'update' in write && write.update.ReturnValues === 'ALL_NEW';
    return returnsNew ? { Attributes: unmarshall(found) } : {};
  }
}

/** `SET a = :a REMOVE b` → `SET #writeId = :writeId, a = :a REMOVE b`; no SET clause → one is put first. */
function withWriteIdSet(expression: string): string {
  // The keyword, not a placeholder that ends in "set" (placeholders start with # or :).
  const set = /(^|\s)SET\s+/i.exec(expression);
  if (!set) return `SET #writeId = :writeId ${expression}`.trim();
  const at = set.index + set[0].length;
  return `${expression.slice(0, at)}#writeId = :writeId, ${expression.slice(at)}`;
}
