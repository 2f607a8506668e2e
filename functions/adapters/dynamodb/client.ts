import { randomUUID } from 'node:crypto';
import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type PutCommandInput,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { awsClientOptions } from '../aws-client-options.ts';
import { sendSettled } from '../send-settled.ts';

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
 * The item a ConditionalCheckFailedException found, as stored (marshalled), when the write asked
 * for it (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`, as writeOnce does); undefined for any
 * other error.
 */
export function itemFoundBy(error: unknown): Record<string, AttributeValue> | undefined {
  return isConditionalCheckFailure(error) ? (error as { Item?: Record<string, AttributeValue> }).Item : undefined;
}

/**
 * TransactWriteItems, settled (sendSettled): with a ClientRequestToken fixed for this write, so the
 * extra send is answered as the first was if the first landed ("ClientRequestToken",
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html:
 * a repeat within 10 minutes changes nothing and answers success; one while the first is still
 * running, TransactionInProgressException). Rejects as DynamoDB answered (a cancelled transaction,
 * …), or with OutcomeUnknownError.
 */
export async function transactOnce(db: DynamoDBDocumentClient, input: TransactWriteCommandInput): Promise<void> {
  const settled = { ...input, ClientRequestToken: input.ClientRequestToken ?? randomUUID() };
  // A command per send: lib-dynamodb commands are not safe to send twice (aws-sdk-js-v3#7217).
  await sendSettled((abortSignal) => db.send(new TransactWriteCommand(settled), { abortSignal }));
}

/** Tries in all of a transaction DynamoDB cancelled for a TransactionConflict (transactOnceThroughConflicts). */
export const TRANSACTION_CONFLICT_ATTEMPTS = 5;

/** Whether a single-item write was refused because a transaction held the item at that moment. */
export function isTransactionConflict(error: unknown): boolean {
  return error instanceof Error && error.name === 'TransactionConflictException';
}

/**
 * transactOnce, tried again when DynamoDB cancelled it for a `TransactionConflict` (another
 * transaction held one of its items at that moment: "Transaction is ongoing for the item",
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html),
 * up to TRANSACTION_CONFLICT_ATTEMPTS tries in all, waiting 25–75 ms, doubled at each try, at
 * random between them, so writers colliding on one item (a campaign's counts) fall apart. Each try
 * is a new transaction (its own ClientRequestToken): a cancelled one changed nothing. Rejects with
 * any other error at once, and with the last cancellation when every try met a conflict.
 */
export async function transactOnceThroughConflicts(
  db: DynamoDBDocumentClient,
  input: TransactWriteCommandInput,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transactOnce(db, input);
    } catch (error) {
      const conflict = transactionCancellationCodes(error)?.includes('TransactionConflict') ?? false;
      if (!conflict || attempt >= TRANSACTION_CONFLICT_ATTEMPTS) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, (25 + Math.random() * 50) * 2 ** (attempt - 1)));
  }
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
 * need no stamp: transactOnce fixes their ClientRequestToken, and DynamoDB answers a repeat of it
 * within 10 minutes as the first).
 *
 * Each write stamps `writeId` (WRITE_ID) with a fresh id, adds "and not already this write" to its
 * condition (so a repeat never applies twice, even when the condition holds again by the time it
 * arrives), and asks for the item a failed condition found
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`). A failure that found this write's own id is
 * the first attempt's success: it resolves as a success, with `Attributes` the item as found
 * when the input asked for `ReturnValues: 'ALL_NEW'` (an empty output otherwise): the write's
 * result, plus whatever writers that do not stamp `writeId` (transactions, plain updates) changed
 * since. Any other failure rejects as DynamoDB reported it (ConditionalCheckFailedException for
 * a condition that another write broke). A write every try of which went unanswered is sent once
 * more (sendSettled), and rejects with OutcomeUnknownError if that goes unanswered too. `writeId`
 * is fresh unless the caller needs to know it (deleteOnce). A repeat is recognised only while the
 * item still carries this write's id: a writer that stamps its own in between makes the repeat
 * fail its condition as a conflict, or, if the condition holds for it, apply again. The id is
 * added to the UpdateExpression's SET clause, or in one of its own.
 */
export async function writeOnce(
  db: DynamoDBDocumentClient,
  write: { put: PutCommandInput } | { update: UpdateCommandInput },
  writeId: string = randomUUID(),
): Promise<Pick<UpdateCommandOutput, 'Attributes'>> {
  // The write's condition, and not a second time: a repeat whose condition holds again by then
  // (the value went back, or a late first attempt) fails here and is recognised below.
  const notAgain = '(attribute_not_exists(#writeId) OR #writeId <> :writeId)';
  const guard = (input: PutCommandInput | UpdateCommandInput) => ({
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    ConditionExpression: input.ConditionExpression ? `(${input.ConditionExpression}) AND ${notAgain}` : notAgain,
    ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#writeId': WRITE_ID },
    ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':writeId': writeId },
  });
  // A command per send: lib-dynamodb commands are not safe to send twice (aws-sdk-js-v3#7217).
  const command = () =>
    'put' in write
      ? new PutCommand({ ...write.put, ...guard(write.put), Item: { ...write.put.Item, [WRITE_ID]: writeId } })
      : new UpdateCommand({
          ...write.update,
          ...guard(write.update),
          UpdateExpression: withWriteIdSet(write.update.UpdateExpression ?? ''),
        });
  // Settled (sendSettled): a send after every try went unanswered recognises the write's own id too.
  return sendSettled(async (abortSignal) => {
    try {
      const output = await db.send(command() as UpdateCommand, { abortSignal });
      return 'put' in write ? {} : { Attributes: output.Attributes };
    } catch (error) {
      const found = itemFoundBy(error);
      if (found?.[WRITE_ID]?.S !== writeId) throw error;
      const returnsNew = 'update' in write && write.update.ReturnValues === 'ALL_NEW';
      return returnsNew ? { Attributes: unmarshall(found as Record<string, AttributeValue>) } : {};
    }
  });
}

/** `SET a = :a REMOVE b` → `SET #writeId = :writeId, a = :a REMOVE b`; no SET clause → one is put first. */
function withWriteIdSet(expression: string): string {
  // The keyword, not a placeholder that ends in "set" (placeholders start with # or :).
  const set = /(^|\s)SET\s+/i.exec(expression);
  if (!set) return `SET #writeId = :writeId ${expression}`.trim();
  const at = set.index + set[0].length;
  return `${expression.slice(0, at)}#writeId = :writeId, ${expression.slice(at)}`;
}
