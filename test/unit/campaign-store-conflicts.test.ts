import { describe, expect, it } from 'vitest';
import { DynamoDbCampaignStore } from '#adapters/dynamodb/campaign-store';
import { ConcurrentModificationError } from '#domain/errors';
import { systemClock } from '#ports/clock';
import { aStoredCampaign } from '../support/campaigns.ts';

/**
 * A campaign's status change meets a transaction holding its item (the events stream counting one
 * of its calls): DynamoDB refuses the write with TransactionConflictException, which the AWS SDK
 * does not retry. The store says "read it again and retry" (ConcurrentModificationError, which the
 * use cases' retryOnConflict does), not an error that became a 500 for a user pausing a campaign.
 */
describe('DynamoDbCampaignStore.setStatus against a transaction on the campaign', () => {
  it('answers ConcurrentModificationError, as for a condition that no longer holds', async () => {
    const refused = Object.assign(new Error('Transaction is ongoing for the item'), {
      name: 'TransactionConflictException',
      $metadata: { httpStatusCode: 400 },
    });
    const db = {
      send: async () => {
        throw refused;
      },
    } as unknown as ConstructorParameters<typeof DynamoDbCampaignStore>[0];
    const store = new DynamoDbCampaignStore(db, 'table', systemClock);
    await expect(store.setStatus(aStoredCampaign(), 'paused', '2026-12-01T00:00:00Z')).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
  });
});
