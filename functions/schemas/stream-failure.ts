import * as z from 'zod/mini';

/**
 * What lands in the table stream's failure queue (the events function's on-failure destination),
 * from two writers: Lambda, for records past their retries, and the events function itself, for
 * a record it can never process. Both carry `DDBStreamBatchInfo`, where the records are in the
 * stream, so the runbook's steps are the same for both (docs/runbook.md).
 */
export const StreamBatchInfoSchema = z.object({
  /** Lambda names the shard; the function itself does not know it (DescribeStream finds it). */
  shardId: z.optional(z.string()),
  startSequenceNumber: z.string(),
  endSequenceNumber: z.string(),
  approximateArrivalOfFirstRecord: z.optional(z.string()),
  approximateArrivalOfLastRecord: z.optional(z.string()),
  batchSize: z.int(),
  streamArn: z.string(),
});

/**
 * Lambda's record of a stream batch it gave up on (condition `RetryAttemptsExhausted` or
 * `RecordAgeExceeded`): metadata only, not the records
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html).
 */
export const StreamFailureRecordSchema = z.object({
  requestContext: z.object({
    requestId: z.string(),
    functionArn: z.string(),
    condition: z.string(),
    approximateInvokeCount: z.int(),
  }),
  responseContext: z.object({ statusCode: z.int(), executedVersion: z.string(), functionError: z.string() }),
  version: z.string(),
  timestamp: z.string(),
  DDBStreamBatchInfo: StreamBatchInfoSchema,
});
export type StreamFailureRecord = z.infer<typeof StreamFailureRecordSchema>;

/**
 * A record the events function parked itself, because retrying could never help (it cannot be
 * read as a call, or DynamoDB, SQS or EventBridge refuse what it produces): where it is in the
 * stream, its item's key (the stream's wire form, ready for `aws dynamodb get-item --key`), and
 * why (masked: no phone number or metadata value).
 */
export const ParkedStreamRecordSchema = z.object({
  requestContext: z.object({
    requestId: z.string(),
    functionArn: z.string(),
    condition: z.literal('PermanentFailure'),
  }),
  version: z.string(),
  timestamp: z.string(),
  failure: z.object({ errorType: z.string(), errorMessage: z.string() }),
  eventID: z.optional(z.string()),
  eventName: z.optional(z.string()),
  keys: z.optional(z.record(z.string(), z.unknown())),
  DDBStreamBatchInfo: StreamBatchInfoSchema,
});
export type ParkedStreamRecord = z.infer<typeof ParkedStreamRecordSchema>;
