import * as z from 'zod/mini';
import { DELIVERY_ID_PATTERN } from '#domain/ids';
import { CallSchema } from './call.ts';
import { CampaignSchema } from './campaign.ts';
import { idField, textField } from './text-field.ts';

/** The events a customer can subscribe an endpoint to (docs/webhooks.md). */
export const WEBHOOK_EVENT_TYPES = [
  'SessionStarted',
  'SessionEnded',
  'OutboundCallStatusChanged',
  'CampaignCompleted',
] as const;
export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

export const WEBHOOK_LIMITS = { urlLength: 2048, descriptionLength: 500, endpointsPerAccount: 20 } as const;

const eventsField = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `events must contain only ${WEBHOOK_EVENT_TYPES.join(', ')}.` }), {
    error: 'events must be an array of event types.',
  })
  .check(
    z.minLength(1, { error: 'events must name at least one event type.' }),
    z.refine((events) => new Set(events).size === events.length, { error: 'events must not repeat an event type.' }),
  );
const urlField = textField('url', { min: 1, max: WEBHOOK_LIMITS.urlLength });
const descriptionField = textField('description', { min: 0, max: WEBHOOK_LIMITS.descriptionLength });

/** Body of POST /api/v1/webhooks. */
export const CreateWebhookRequestSchema = z.strictObject({
  url: urlField,
  events: eventsField,
  description: z.optional(descriptionField),
});
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequestSchema>;

/** Body of PATCH /api/v1/webhooks/{webhookId}: any of the fields, at least one. */
export const UpdateWebhookRequestSchema = z.strictObject({
  url: z.optional(urlField),
  events: z.optional(eventsField),
  description: z.optional(z.nullable(descriptionField)),
  enabled: z.optional(z.boolean({ error: 'enabled must be true or false.' })),
});
export type UpdateWebhookRequest = z.infer<typeof UpdateWebhookRequestSchema>;

/** A webhook endpoint as the API shows it: never its signing secrets. */
export const WebhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventTypeSchema),
  description: z.nullable(z.string()),
  enabled: z.boolean(),
  /** Why the service disabled the endpoint (it kept failing), until it is enabled again. */
  disabledReason: z.nullable(z.string()),
  createdAt: z.string(),
  /**
   * From when the endpoint receives events: it is sent the events of every change made at or after
   * this time, and of none before (domain/webhook-activation.ts). Endpoints stored before this
   * field existed are read with their createdAt (webhook-store.ts).
   */
  activeAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

export const SigningSecretSchema = z.object({
  secret: z.string(),
  createdAt: z.string(),
  /** A rotated-out secret keeps signing until then, beside the new one. */
  expiresAt: z.nullable(z.string()),
});
export type SigningSecret = z.infer<typeof SigningSecretSchema>;

export const StoredWebhookEndpointSchema = z.extend(WebhookEndpointSchema, {
  accountId: z.string(),
  secrets: z.array(SigningSecretSchema),
  /** Bumped by every change through the API; each change is conditional on the revision it read. */
  revision: z._default(z.int(), 0),
});
export type StoredWebhookEndpoint = z.infer<typeof StoredWebhookEndpointSchema>;

/** The data of a call's event: the call after the change, and its status before. */
export const CallEventDataSchema = z.object({
  /** The call's status before this change; null when the change is the call's creation. */
  previousStatus: z.nullable(z.string()),
  call: CallSchema,
});

export type CallEventData = z.infer<typeof CallEventDataSchema>;

/** The data of CampaignCompleted: the campaign once its last call ended (status completed, its counts). */
export const CampaignEventDataSchema = z.object({ campaign: CampaignSchema });

/** What an endpoint receives: one event about one call, or (CampaignCompleted) about one campaign. */
export const WebhookEventSchema = z.object({
  id: z.string(),
  type: WebhookEventTypeSchema,
  createdAt: z.string(),
  data: z.union([CallEventDataSchema, CampaignEventDataSchema]),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/** One event on its way to one endpoint, on the delivery queue. */
export const DeliveryMessageSchema = z.object({
  accountId: z.string(),
  endpointId: z.string(),
  event: WebhookEventSchema,
  attempt: z.int().check(z.gte(1)),
  firstAttemptAt: z.string(),
  /** One series of attempts; duplicates of the event carry other chain ids and are dropped. */
  chainId: z.string(),
  /** Asked for through the API: sent even if the event was delivered before. */
  redelivery: z._default(z.boolean(), false),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessageSchema>;

/** One delivery attempt, as GET /api/v1/webhooks/{id}/deliveries lists it. */
export const DeliveryAttemptSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: WebhookEventTypeSchema,
  attempt: z.int(),
  attemptedAt: z.string(),
  succeeded: z.boolean(),
  statusCode: z.nullable(z.int()),
  latencyMs: z.int(),
  error: z.nullable(z.string()),
  /** Set on the last attempt before the event was parked: it will not be retried by itself. */
  gaveUp: z.boolean(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>;

export const ListDeliveriesQuerySchema = z.strictObject({
  pageSize: z.optional(
    z.coerce
      .number({ error: 'pageSize must be an integer from 1 to 100.' })
      .check(
        z.int({ error: 'pageSize must be an integer from 1 to 100.' }),
        z.gte(1, { error: 'pageSize must be an integer from 1 to 100.' }),
        z.lte(100, { error: 'pageSize must be an integer from 1 to 100.' }),
      ),
  ),
  cursor: z.optional(idField('cursor', DELIVERY_ID_PATTERN, 'the nextCursor of the previous page, unchanged')),
});

/** What an event is about, for logs and the event bus: `outbound-call` or `campaign`, and its id. */
export function eventSubject(event: WebhookEvent): { kind: 'outbound-call' | 'campaign'; id: string } {
  return 'call' in event.data
    ? { kind: 'outbound-call', id: event.data.call.id }
    : { kind: 'campaign', id: event.data.campaign.id };
}
