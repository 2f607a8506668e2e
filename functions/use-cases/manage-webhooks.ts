import { ulid } from 'ulid';
import { randomBase62 } from '#domain/api-key';
import { invalidRequest, notFound } from '#domain/errors';
import { EVENT_ID_PATTERN, WEBHOOK_ID_PATTERN } from '#domain/ids';
import { toTimestamp } from '#domain/time';
import { activeAtAfterWrite, plannedActiveAt } from '#domain/webhook-activation';
import {
  WEBHOOK_LIMITS,
  WebhookEndpointSchema,
  type CreateWebhookRequest,
  type DeliveryAttempt,
  type StoredWebhookEndpoint,
  type UpdateWebhookRequest,
  type WebhookEndpoint,
} from '#schemas/webhooks';
import type { Clock } from '#ports/clock';
import type { DeliveryQueue, WebhookStore, WebhookUrlPolicy } from '#ports/webhooks';

export interface WebhookAdminDeps {
  webhooks: WebhookStore;
  urlPolicy: WebhookUrlPolicy;
  queue: DeliveryQueue;
  clock: Clock;
  /**
   * How long the events function remembers that an account has no endpoint, in milliseconds
   * (WEBHOOK_ENDPOINT_CACHE_SECONDS × 1000); a new endpoint's activeAt waits for it. 0 if omitted.
   */
  endpointCacheMs?: number;
}

/** How long a rotated-out secret keeps signing beside the new one. */
export const SECRET_ROTATION_GRACE_HOURS = 24;

const newSecret = () => `whsec_${randomBase62(32)}`;
const publicEndpoint = (endpoint: StoredWebhookEndpoint): WebhookEndpoint => WebhookEndpointSchema.parse(endpoint);

async function checkUrl(deps: WebhookAdminDeps, url: string): Promise<void> {
  const problem = await deps.urlPolicy.check(url);
  if (problem) throw invalidRequest('invalid_webhook_url', problem, 'url');
}

/** An id that cannot be one of ours is unknown without asking the store (ids come from the path). */
const webhookNotFound = (endpointId: string) =>
  notFound('webhook_not_found', `No webhook endpoint ${endpointId.slice(0, 64)} exists.`, 'webhookId');

async function endpointOf(
  deps: WebhookAdminDeps,
  accountId: string,
  endpointId: string,
): Promise<StoredWebhookEndpoint> {
  const endpoint = WEBHOOK_ID_PATTERN.test(endpointId) ? await deps.webhooks.getEndpoint(accountId, endpointId) : null;
  if (!endpoint) throw webhookNotFound(endpointId);
  return endpoint;
}

/**
 * Registers an endpoint; the signing secret is in this response only. Its `activeAt` is when it
 * starts receiving events: the events function may still remember, for `endpointCacheMs`, that
 * the account had none (domain/webhook-activation.ts); if the write answered too late for the
 * planned activeAt, it is moved later before the answer.
 */
export async function createWebhook(
  deps: WebhookAdminDeps,
  accountId: string,
  request: CreateWebhookRequest,
): Promise<WebhookEndpoint & { secret: string }> {
  await checkUrl(deps, request.url);
  if ((await deps.webhooks.listEndpoints(accountId)).length >= WEBHOOK_LIMITS.endpointsPerAccount) {
    throw invalidRequest(
      'too_many_webhooks',
      `An account may have at most ${WEBHOOK_LIMITS.endpointsPerAccount} webhook endpoints.`,
    );
  }
  const createdAt = deps.clock.now();
  const now = toTimestamp(createdAt);
  const cacheMs = deps.endpointCacheMs ?? 0;
  const planned = plannedActiveAt(createdAt, cacheMs);
  const secret = newSecret();
  let endpoint: StoredWebhookEndpoint = {
    id: `whk_${ulid()}`,
    accountId,
    url: request.url,
    events: request.events,
    description: request.description ?? null,
    enabled: true,
    disabledReason: null,
    createdAt: now,
    activeAt: toTimestamp(planned),
    updatedAt: now,
    secrets: [{ secret, createdAt: now, expiresAt: null }],
    revision: 0,
  };
  await deps.webhooks.createEndpoint(endpoint);
  const later = activeAtAfterWrite(planned, deps.clock.now(), cacheMs);
  if (later) {
    await deps.webhooks.delayActivation(accountId, endpoint.id, toTimestamp(later));
    endpoint = { ...endpoint, activeAt: toTimestamp(later), revision: endpoint.revision + 1 };
  }
  return { ...publicEndpoint(endpoint), secret };
}

export async function listWebhooks(deps: WebhookAdminDeps, accountId: string): Promise<{ data: WebhookEndpoint[] }> {
  const endpoints = await deps.webhooks.listEndpoints(accountId);
  return { data: endpoints.map(publicEndpoint).sort((a, b) => (a.id < b.id ? 1 : -1)) };
}

export async function getWebhook(
  deps: WebhookAdminDeps,
  accountId: string,
  endpointId: string,
): Promise<WebhookEndpoint> {
  return publicEndpoint(await endpointOf(deps, accountId, endpointId));
}

/** Enabling an endpoint again clears the reason it was disabled. */
export async function updateWebhook(
  deps: WebhookAdminDeps,
  accountId: string,
  endpointId: string,
  request: UpdateWebhookRequest,
): Promise<WebhookEndpoint> {
  if (Object.keys(request).length === 0)
    throw invalidRequest('empty_update', 'Send at least one of url, events, description, enabled.');
  const endpoint = await endpointOf(deps, accountId, endpointId);
  if (request.url !== undefined) await checkUrl(deps, request.url);
  const updated: StoredWebhookEndpoint = {
    ...endpoint,
    url: request.url ?? endpoint.url,
    events: request.events ?? endpoint.events,
    description: request.description === undefined ? endpoint.description : request.description,
    enabled: request.enabled ?? endpoint.enabled,
    // A person's choice replaces the service's: enabling or disabling clears its reason.
    disabledReason: request.enabled === undefined ? endpoint.disabledReason : null,
    updatedAt: toTimestamp(deps.clock.now()),
  };
  return publicEndpoint(await deps.webhooks.saveEndpoint(updated));
}

export async function deleteWebhook(deps: WebhookAdminDeps, accountId: string, endpointId: string): Promise<void> {
  if (!WEBHOOK_ID_PATTERN.test(endpointId) || !(await deps.webhooks.deleteEndpoint(accountId, endpointId))) {
    throw webhookNotFound(endpointId);
  }
}

/** A new secret, shown once; the current one keeps signing beside it for 24 hours. */
export async function rotateWebhookSecret(
  deps: WebhookAdminDeps,
  accountId: string,
  endpointId: string,
): Promise<WebhookEndpoint & { secret: string; previousSecretExpiresAt: string }> {
  const endpoint = await endpointOf(deps, accountId, endpointId);
  const now = deps.clock.now();
  const expiresAt = toTimestamp(new Date(now.getTime() + SECRET_ROTATION_GRACE_HOURS * 3_600_000));
  const secret = newSecret();
  const current = endpoint.secrets
    .filter((s) => s.expiresAt === null || s.expiresAt > toTimestamp(now))
    .map((s) => ({ ...s, expiresAt: s.expiresAt ?? expiresAt }));
  const updated = {
    ...endpoint,
    secrets: [{ secret, createdAt: toTimestamp(now), expiresAt: null }, ...current],
    updatedAt: toTimestamp(now),
  };
  return { ...publicEndpoint(await deps.webhooks.saveEndpoint(updated)), secret, previousSecretExpiresAt: expiresAt };
}

export async function listDeliveries(
  deps: WebhookAdminDeps,
  accountId: string,
  endpointId: string,
  query: { pageSize?: number; cursor?: string },
): Promise<{ data: DeliveryAttempt[]; nextCursor: string | null }> {
  await endpointOf(deps, accountId, endpointId);
  const { attempts, next } = await deps.webhooks.listAttempts(endpointId, query.pageSize ?? 20, query.cursor);
  return { data: attempts, nextCursor: next };
}

/** Sends an event to the endpoint again, now, as a fresh series of attempts. */
export async function redeliverEvent(
  deps: WebhookAdminDeps,
  accountId: string,
  endpointId: string,
  eventId: string,
): Promise<{ eventId: string; endpointId: string; status: 'queued' }> {
  const endpoint = await endpointOf(deps, accountId, endpointId);
  const event = EVENT_ID_PATTERN.test(eventId) ? await deps.webhooks.getEvent(accountId, eventId) : null;
  if (!event)
    throw notFound('event_not_found', `No event ${eventId.slice(0, 64)} exists (events are kept 30 days).`, 'eventId');
  await deps.queue.send(
    {
      accountId,
      endpointId: endpoint.id,
      event,
      attempt: 1,
      firstAttemptAt: toTimestamp(deps.clock.now()),
      chainId: ulid(),
      redelivery: true,
    },
    0,
  );
  return { eventId, endpointId, status: 'queued' };
}
