import { ConcurrentModificationError } from '#domain/errors';
import type {
  DeliveryQueue,
  AccountEvent,
  EventBus,
  WebhookResponse,
  WebhookSender,
  WebhookStore,
  WebhookUrlPolicy,
} from '#ports/webhooks';
import type { DeliveryAttempt, DeliveryMessage, StoredWebhookEndpoint, WebhookEvent } from '#schemas/webhooks';

type Claim = { state: 'sending'; chainId: string; leaseUntil: number } | { state: 'delivered' };

/**
 * Webhook endpoints, kept events, delivery attempts and delivery claims in maps, with the DynamoDB
 * adapter's rules: saveEndpoint only at the revision read; a claim is taken when there is none,
 * by the chain that holds it, when its lease ran out, or (with `again`) over a delivered one.
 */
export class FakeWebhookStore implements WebhookStore {
  readonly endpoints = new Map<string, StoredWebhookEndpoint>();
  readonly events = new Map<string, WebhookEvent>();
  readonly attempts: DeliveryAttempt[] = [];
  readonly claims = new Map<string, Claim>();

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
  async claimDelivery(claim: {
    eventId: string;
    endpointId: string;
    chainId: string;
    leaseUntil: Date;
    now: Date;
    again: boolean;
  }): Promise<'claimed' | 'delivered' | 'held'> {
    const key = `${claim.eventId}#${claim.endpointId}`;
    const current = this.claims.get(key);
    const free =
      current === undefined ||
      (current.state === 'sending' &&
        (current.chainId === claim.chainId || current.leaseUntil < claim.now.getTime())) ||
      (current.state === 'delivered' && claim.again);
    if (!free) return current.state === 'delivered' ? 'delivered' : 'held';
    this.claims.set(key, { state: 'sending', chainId: claim.chainId, leaseUntil: claim.leaseUntil.getTime() });
    return 'claimed';
  }
  async markDelivered(eventId: string, endpointId: string): Promise<void> {
    this.claims.set(`${eventId}#${endpointId}`, { state: 'delivered' });
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
