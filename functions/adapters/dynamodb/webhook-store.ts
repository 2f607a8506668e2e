import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  DeliveryAttemptSchema,
  StoredWebhookEndpointSchema,
  WebhookEventSchema,
  type DeliveryAttempt,
  type StoredWebhookEndpoint,
  type WebhookEvent,
} from '#schemas/webhooks';
import type { DeliveryAttemptEnd, DeliveryClaim, WebhookStore } from '#ports/webhooks';
import { claimRefusal, type DeliveryClaimItem, type DeliveryClaimResult } from '#domain/delivery-claim';
import { ConcurrentModificationError } from '#domain/errors';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { sendSettled } from '../send-settled.ts';
import { isConditionalCheckFailure, itemFoundBy, writeOnce } from './client.ts';
import { deleteOnce } from './delete-once.ts';
import { queryAccountItems, readableItems, type OnUnreadableItem } from './query.ts';
import { TABLE, keys } from './table-design.ts';

/** Events, attempts and delivery marks are kept 30 days. */
const RETENTION_SECONDS = 30 * 86_400;

/** An endpoint item; one stored before endpoints had an activeAt receives events from its creation. */
const readEndpoint = (item: Record<string, unknown>): StoredWebhookEndpoint =>
  StoredWebhookEndpointSchema.parse({ activeAt: item.createdAt, ...item });

/**
 * Webhook endpoints live in their account's partition; each endpoint's delivery attempts in a
 * partition of their own, newest first by ULID; events and "delivered" marks are single items.
 */
export class DynamoDbWebhookStore implements WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Told about an endpoint item that cannot be read; it is skipped. */
    private readonly onUnreadable: OnUnreadableItem = () => undefined,
  ) {}

  private expiry = () => ({ [TABLE.ttlAttribute]: Math.floor(Date.now() / 1000) + RETENTION_SECONDS });

  /** Through writeOnce: a repeat of a create that landed is its success, not a failed condition (a 5xx). */
  async createEndpoint(endpoint: StoredWebhookEndpoint): Promise<void> {
    await writeOnce(this.db, {
      put: {
        TableName: this.tableName,
        Item: { ...keys.accountWebhook(endpoint.accountId, endpoint.id), ...endpoint },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }

  async getEndpoint(accountId: string, endpointId: string): Promise<StoredWebhookEndpoint | null> {
    const result = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.accountWebhook(accountId, endpointId),
        ConsistentRead: true,
      }),
    );
    return result.Item ? readEndpoint(result.Item) : null;
  }

  async listEndpoints(accountId: string): Promise<StoredWebhookEndpoint[]> {
    // Read strongly: the events function's "this account has none" must not predate an endpoint
    // whose write had already answered (domain/webhook-activation.ts).
    const items = await queryAccountItems(this.db, this.tableName, accountId, 'WEBHOOK#', { consistent: true });
    // An endpoint item this code cannot read is skipped, so it cannot hold up the account's events.
    return readableItems(items, readEndpoint, this.onUnreadable);
  }

  async delayActivation(accountId: string, endpointId: string, activeAt: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.accountWebhook(accountId, endpointId),
          // A revision bump: an edit that read the earlier activeAt cannot write it back.
          UpdateExpression: 'SET activeAt = :at ADD revision :one',
          ConditionExpression: 'attribute_exists(pk) AND activeAt < :at',
          ExpressionAttributeValues: { ':at': activeAt, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  /** Through writeOnce: a repeat of a save that landed finds its own revision, and is its success, not a conflict. */
  async saveEndpoint(endpoint: StoredWebhookEndpoint): Promise<StoredWebhookEndpoint> {
    const saved = { ...endpoint, revision: endpoint.revision + 1 };
    try {
      await writeOnce(this.db, {
        put: {
          TableName: this.tableName,
          Item: { ...keys.accountWebhook(endpoint.accountId, endpoint.id), ...saved },
          ConditionExpression:
            'attribute_exists(pk) AND (revision = :read OR (attribute_not_exists(revision) AND :read = :zero))',
          ExpressionAttributeValues: { ':read': endpoint.revision, ':zero': 0 },
        },
      });
      return saved;
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw new ConcurrentModificationError('Webhook endpoint', endpoint.id);
      throw error;
    }
  }

  /** Whether the endpoint was there; a repeat of a delete that landed still answers true (deleteOnce). */
  deleteEndpoint(accountId: string, endpointId: string): Promise<boolean> {
    return deleteOnce(this.db, this.tableName, keys.accountWebhook(accountId, endpointId));
  }

  async disableEndpoint(accountId: string, endpointId: string, reason: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.accountWebhook(accountId, endpointId),
          UpdateExpression: 'SET enabled = :false, disabledReason = :reason, updatedAt = :at ADD revision :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':false': false, ':reason': reason, ':at': at, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  /** Settled (sendSettled): a repeat writes the same event under the same key, so it changes nothing. */
  async saveEvent(accountId: string, event: WebhookEvent): Promise<void> {
    const input = {
      TableName: this.tableName,
      Item: { ...keys.webhookEvent(accountId, event.id), event, ...this.expiry() },
    };
    await sendSettled((abortSignal) => this.db.send(new PutCommand(input), { abortSignal }));
  }

  async getEvent(accountId: string, eventId: string): Promise<WebhookEvent | null> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.webhookEvent(accountId, eventId) }),
    );
    return result.Item ? WebhookEventSchema.parse(result.Item.event) : null;
  }

  /** Settled (sendSettled): a repeat writes the same attempt under its own id, so it changes nothing. */
  async recordAttempt(attempt: DeliveryAttempt): Promise<void> {
    const input = {
      TableName: this.tableName,
      Item: { ...keys.deliveryAttempt(attempt.endpointId, attempt.id), ...attempt, ...this.expiry() },
    };
    await sendSettled((abortSignal) => this.db.send(new PutCommand(input), { abortSignal }));
  }

  async listAttempts(endpointId: string, limit: number, after?: string) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: after ? 'pk = :pk AND sk < :after' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.deliveryAttempt(endpointId, '').pk,
          ...(after ? { ':after': keys.deliveryAttempt(endpointId, after).sk } : { ':prefix': 'DELIVERY#' }),
        },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const attempts = (result.Items ?? []).map((item) => DeliveryAttemptSchema.parse(item));
    return {
      attempts,
      next: result.LastEvaluatedKey && attempts.length > 0 ? (attempts.at(-1) as DeliveryAttempt).id : null,
    };
  }

  async claimDelivery(claim: DeliveryClaim): Promise<DeliveryClaimResult> {
    // A redelivery may take a delivered event over, unless it is a copy of the chain that delivered it.
    const again = claim.again
      ? ' OR (#state = :delivered AND (attribute_not_exists(deliveredBy) OR deliveredBy <> :chain))'
      : '';
    try {
      await writeOnce(this.db, {
        update: {
          TableName: this.tableName,
          Key: keys.delivered(claim.eventId, claim.endpointId),
          UpdateExpression:
            'SET #state = :sending, chainId = :chain, attempt = :attempt, heldUntil = :held, leaseUntil = :lease, #ttl = :ttl REMOVE doneAttempt, deliveredBy',
          // Free; or, while it is being sent: this chain's next attempt (an item from before
          // attempts were kept has none), this very attempt once its holder's invocation is over
          // without having finished it, or another chain once the holder's lease ran out.
          ConditionExpression: `attribute_not_exists(pk) OR (#state = :sending AND ((chainId = :chain AND (attribute_not_exists(attempt) OR attempt < :attempt OR (attempt = :attempt AND heldUntil < :now AND (attribute_not_exists(doneAttempt) OR doneAttempt < :attempt)))) OR (chainId <> :chain AND leaseUntil < :now)))${again}`,
          ExpressionAttributeNames: { '#state': 'state', '#ttl': TABLE.ttlAttribute },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':chain': claim.chainId,
            ':attempt': claim.attempt,
            ':held': claim.heldUntil.getTime(),
            ':lease': claim.leaseUntil.getTime(),
            ':now': claim.now.getTime(),
            ':ttl': this.expiry()[TABLE.ttlAttribute],
            ...(claim.again ? { ':delivered': 'delivered' } : {}),
          },
        },
      });
      return { kind: 'claimed' };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      // The item the condition found (writeOnce asks for it); a failed condition means there was one.
      const found = itemFoundBy(error);
      return claimRefusal(claim, found ? (unmarshall(found) as DeliveryClaimItem) : { state: 'sending' });
    }
  }

  async endAttempt(hold: DeliveryAttemptEnd): Promise<void> {
    try {
      await writeOnce(this.db, {
        update: {
          TableName: this.tableName,
          Key: keys.delivered(hold.eventId, hold.endpointId),
          // The attempt is over: a late copy of it finds it done.
          UpdateExpression: 'SET leaseUntil = :lease, doneAttempt = :attempt',
          ConditionExpression: '#state = :sending AND chainId = :chain AND attempt = :attempt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':chain': hold.chainId,
            ':attempt': hold.attempt,
            ':lease': hold.leaseUntil.getTime(),
          },
        },
      });
    } catch (error) {
      // No longer this chain's (delivered, or taken over): its next attempt stops at the claim.
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  async markDelivered(eventId: string, endpointId: string, chainId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.delivered(eventId, endpointId),
        // The chain that delivered is kept apart from chainId, which only a chain sending holds.
        UpdateExpression:
          'SET #state = :delivered, deliveredBy = :chain REMOVE chainId, attempt, heldUntil, doneAttempt, leaseUntil',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':delivered': 'delivered', ':chain': chainId },
      }),
    );
  }
}
