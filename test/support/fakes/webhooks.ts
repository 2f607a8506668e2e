import { ConcurrentModificationError } from '#domain/errors';
import { claimable, claimRefusal, type DeliveryClaimItem, type DeliveryClaimResult } from '#domain/delivery-claim';
import type {
  DeliveryAttemptEnd,
  DeliveryClaim,
  DeliveryQueue,
  AccountEvent,
  EventBus,
  WebhookResponse,
  WebhookSender,
  WebhookStore,
  WebhookUrlPolicy,
} from '#ports/webhooks';
import type { DeliveryAttempt, DeliveryMessage, StoredWebhookEndpoint, WebhookEvent } from '#schemas/webhooks';

/**
 * Webhook endpoints, kept events, delivery attempts and delivery claims in maps, with the DynamoDB
 * adapter's rules: saveEndpoint only at the revision read; a delivery claim by the rule of
 * domain/delivery-claim.ts.
 */
export class FakeWebhookStore implements WebhookStore {
  readonly endpoints = new Map<string, StoredWebhookEndpoint>();
  readonly events = new Map<string, WebhookEvent>();
  readonly attempts: DeliveryAttempt[] = [];
  readonly claims = new Map<string, DeliveryClaimItem>();

  async createEndpoint(endpoint: StoredWebhookEndpoint): Promise<void> {
    this.endpoints.set(endpoint.id, structuredClone(endpoint));
  }
  async getEndpoint(accountId: string, endpointId: string): Promise<StoredWebhookEndpoint | null> {
    const endpoint = this.endpoints.get(endpointId);
    return endpoint && endpoint.accountId === accountId ? structuredClone(endpoint) : null;
  }
  async listEndpoints(accountId: string): Promise<StoredWebhookEndpoint[]> {
    return [...this.endpoints.values()].filter((e) => e.accountId === accountId).map((e) => structuredClone(e));
  }
  async saveEndpoint(endpoint: StoredWebhookEndpoint): Promise<StoredWebhookEndpoint> {
    const stored = this.endpoints.get(endpoint.id);
    if (!stored || stored.revision !== endpoint.revision)
      throw new ConcurrentModificationError('Webhook endpoint', endpoint.id);
    const saved = { ...endpoint, revision: endpoint.revision + 1 };
    this.endpoints.set(endpoint.id, structuredClone(saved));
    return saved;
  }
  async deleteEndpoint(accountId: string, endpointId: string): Promise<boolean> {
    return this.endpoints.get(endpointId)?.accountId === accountId && this.endpoints.delete(endpointId);
  }
  async delayActivation(accountId: string, endpointId: string, activeAt: string): Promise<void> {
    const endpoint = this.endpoints.get(endpointId);
    if (endpoint?.accountId === accountId && endpoint.activeAt < activeAt)
      this.endpoints.set(endpointId, { ...endpoint, activeAt, revision: endpoint.revision + 1 });
  }
  async disableEndpoint(accountId: string, endpointId: string, reason: string, at: string): Promise<void> {
    const endpoint = this.endpoints.get(endpointId);
    if (endpoint?.accountId === accountId)
      this.endpoints.set(endpointId, { ...endpoint, enabled: false, disabledReason: reason, updatedAt: at });
  }
  async saveEvent(accountId: string, event: WebhookEvent): Promise<void> {
    this.events.set(`${accountId}#${event.id}`, structuredClone(event));
  }
  async getEvent(accountId: string, eventId: string): Promise<WebhookEvent | null> {
    return this.events.get(`${accountId}#${eventId}`) ?? null;
  }
  async recordAttempt(attempt: DeliveryAttempt): Promise<void> {
    this.attempts.push(structuredClone(attempt));
  }
  async listAttempts(endpointId: string, limit: number, after?: string) {
    const newestFirst = this.attempts
      .filter((a) => a.endpointId === endpointId && (after === undefined || a.id < after))
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    const attempts = newestFirst.slice(0, limit);
    return { attempts, next: newestFirst.length > limit ? (attempts.at(-1)?.id ?? null) : null };
  }
  async claimDelivery(claim: DeliveryClaim): Promise<DeliveryClaimResult> {
    const key = `${claim.eventId}#${claim.endpointId}`;
    const current = this.claims.get(key);
    if (current && !claimable(claim, current)) return claimRefusal(claim, current);
    this.claims.set(key, {
      state: 'sending',
      chainId: claim.chainId,
      attempt: claim.attempt,
      heldUntil: claim.heldUntil.getTime(),
      leaseUntil: claim.leaseUntil.getTime(),
    });
    return { kind: 'claimed' };
  }
  async endAttempt(end: DeliveryAttemptEnd): Promise<void> {
    const key = `${end.eventId}#${end.endpointId}`;
    const current = this.claims.get(key);
    if (current?.state !== 'sending' || current.chainId !== end.chainId || current.attempt !== end.attempt) return;
    this.claims.set(key, { ...current, doneAttempt: end.attempt, leaseUntil: end.leaseUntil.getTime() });
  }
  async markDelivered(eventId: string, endpointId: string, chainId: string): Promise<void> {
    this.claims.set(`${eventId}#${endpointId}`, { state: 'delivered', deliveredBy: chainId });
  }
}

/** The delivery queue and its dead-letter queue, keeping what was sent and parked. */
export class FakeDeliveryQueue implements DeliveryQueue {
  readonly sent: Array<{ message: DeliveryMessage; delaySeconds: number }> = [];
  readonly parked: DeliveryMessage[] = [];
  async send(message: DeliveryMessage, delaySeconds: number): Promise<void> {
    this.sent.push({ message: structuredClone(message), delaySeconds });
  }
  async park(message: DeliveryMessage): Promise<void> {
    this.parked.push(structuredClone(message));
  }
}

/** The event bus, keeping what was published. */
export class FakeEventBus implements EventBus {
  /** Every publish request, with its events. */
  readonly published: AccountEvent[][] = [];
  async publish(events: AccountEvent[]): Promise<void> {
    this.published.push(structuredClone(events));
  }
}

/** A customer's server: answers every POST with `statusCode` (null: the connection failed), and keeps them. */
export class FakeWebhookSender implements WebhookSender {
  readonly posts: Array<{ url: string; body: string; headers: Record<string, string> }> = [];
  statusCode: number | null = 200;
  async post(url: string, body: string, headers: Record<string, string>): Promise<WebhookResponse> {
    this.posts.push({ url, body, headers });
    return {
      statusCode: this.statusCode,
      latencyMs: 12,
      error: this.statusCode === null ? 'connection refused' : null,
    };
  }
}

/** The URL policy: every URL allowed unless `problem` is set. */
export class FakeUrlPolicy implements WebhookUrlPolicy {
  problem: string | null = null;
  async check(): Promise<string | null> {
    return this.problem;
  }
}
