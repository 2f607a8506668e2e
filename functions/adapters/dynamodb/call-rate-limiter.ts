import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KeyMode } from '#schemas/call';
import type { CallRateLimiter } from '#ports/telephony';
import { isConditionalCheckFailure } from './client.ts';
import { TABLE, keys } from './table-design.ts';

/**
 * The provider account's calls-per-second limit as fixed windows in DynamoDB: one counter item
 * per window, incremented with a condition, so every dialer of every Lambda shares the budget.
 * 1 call/s is one call per 1-second window; 0.5 calls/s is one call per 2-second window.
 */
export class DynamoDbCallRateLimiter implements CallRateLimiter {
  private readonly windowMs: number;
  private readonly callsPerWindow: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    callsPerSecond: number,
  ) {
    this.windowMs = callsPerSecond >= 1 ? 1000 : Math.ceil(1000 / callsPerSecond);
    this.callsPerWindow = Math.max(1, Math.floor(callsPerSecond));
  }

  async reserve(mode: KeyMode, now: Date, maxWaitMs: number): Promise<Date | null> {
    const first = Math.floor(now.getTime() / this.windowMs);
    const last = Math.floor((now.getTime() + maxWaitMs) / this.windowMs);
    for (let window = first; window <= last; window++) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.callRate(`${mode}#${window}`),
            UpdateExpression: 'ADD calls :one SET #ttl = :expires',
            ConditionExpression: 'attribute_not_exists(calls) OR calls < :limit',
            ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': this.callsPerWindow,
              ':expires': Math.floor((window * this.windowMs) / 1000) + 3600,
            },
          }),
        );
        return new Date(Math.max(now.getTime(), window * this.windowMs));
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
    }
    return null;
  }
}
