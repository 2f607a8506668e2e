import type { ClaimAsk, DeliveryClaimResult } from '#domain/delivery-claim';
import type { DeliveryAttempt, DeliveryMessage, StoredWebhookEndpoint, WebhookEvent } from '#schemas/webhooks';

export interface WebhookStore {
  createEndpoint(endpoint: StoredWebhookEndpoint): Promise<void>;
  getEndpoint(accountId: string, endpointId: string): Promise<StoredWebhookEndpoint | null>;
  listEndpoints(accountId: string): Promise<StoredWebhookEndpoint[]>;
  /**
   * Replaces the endpoint if it is still at the revision it was read at (else
   * ConcurrentModificationError, or NotFound if it was deleted), and bumps the revision.
   */
  saveEndpoint(endpoint: StoredWebhookEndpoint): Promise<StoredWebhookEndpoint>;
  deleteEndpoint(accountId: string, endpointId: string): Promise<boolean>;
  /**
   * Moves a new endpoint's activeAt (ISO 8601) later, if it is earlier, and bumps its revision;
   * nothing if the endpoint is gone.
   */
  delayActivation(accountId: string, endpointId: string, activeAt: string): Promise<void>;
  /** Disables the endpoint with a reason, touching nothing else a person may have changed meanwhile. */
  disableEndpoint(accountId: string, endpointId: string, reason: string, at: string): Promise<void>;

  /** Keeps an event (30 days) so it can be delivered again on request; a repeat is harmless. */
  saveEvent(accountId: string, event: WebhookEvent): Promise<void>;
  getEvent(accountId: string, eventId: string): Promise<WebhookEvent | null>;

  recordAttempt(attempt: DeliveryAttempt): Promise<void>;
  /** Newest first. */
  listAttempts(
    endpointId: string,
    limit: number,
    after?: string,
  ): Promise<{ attempts: DeliveryAttempt[]; next: string | null }>;
  /**
   * Takes the right to make one attempt (`attempt` of chain `chainId`) to deliver an event to an
   * endpoint, by the rule of domain/delivery-claim.ts: at most one chain of attempts per event and
   * endpoint is alive (until `leaseUntil`), so duplicates of the event stop here; and each attempt
   * is made by one invocation, which holds it until `heldUntil` (its deadline), so two copies of
   * the same SQS message handled at once POST once, and a copy handed out again after its holder
   * died without finishing makes the attempt. Answers what the claim came to
   * (DeliveryClaimResult). Times are UTC instants, compared to `now`.
   */
  claimDelivery(claim: DeliveryClaim): Promise<DeliveryClaimResult>;
  /**
   * Ends a failed attempt of the chain that holds the event (a late copy of it finds it done) and
   * keeps the event the chain's until `leaseUntil` (its next attempt's time plus a margin; now,
   * once the event is parked). Does nothing when the chain no longer holds it (delivered, or
   * taken over).
   */
  endAttempt(attempt: DeliveryAttemptEnd): Promise<void>;
  /** Marks the event delivered to the endpoint by chain `chainId` (a copy of that chain's redelivery stops at the claim). */
  markDelivered(eventId: string, endpointId: string, chainId: string): Promise<void>;
}

/** One delivery attempt's claim on an event and endpoint (WebhookStore.claimDelivery). */
export interface DeliveryClaim extends ClaimAsk {
  eventId: string;
  endpointId: string;
  /** Until when this attempt's invocation may still be sending (its Lambda deadline). */
  heldUntil: Date;
  /** Until when the chain keeps the event from other chains. */
  leaseUntil: Date;
}

/** A failed attempt, ended (WebhookStore.endAttempt). */
export type DeliveryAttemptEnd = Pick<DeliveryClaim, 'eventId' | 'endpointId' | 'chainId' | 'attempt' | 'leaseUntil'>;

/** The SQS delivery queue, and its dead-letter queue for events given up on. */
export interface DeliveryQueue {
  send(message: DeliveryMessage, delaySeconds: number): Promise<void>;
  park(message: DeliveryMessage): Promise<void>;
}

/** An event and the account it belongs to, as the event bus carries it. */
export interface AccountEvent {
  accountId: string;
  event: WebhookEvent;
}

/** EventBridge: the same events, for AWS-native consumers. */
export interface EventBus {
  /**
   * Publishes the events, of any accounts, in order, in as few requests as the bus allows
   * (EventBridge PutEvents: 10 entries a request). Publishing an event twice is harmless: ids are stable.
   */
  publish(events: AccountEvent[]): Promise<void>;
}

export interface WebhookResponse {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** POSTs an event to a customer's URL. */
export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookResponse>;
}

/** Whether a URL may receive webhooks: the reason it may not, or null. */
export interface WebhookUrlPolicy {
  check(url: string): Promise<string | null>;
}
