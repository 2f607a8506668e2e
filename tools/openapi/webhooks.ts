import * as z from 'zod/mini';
import {
  CreateWebhookRequestSchema,
  DeliveryAttemptSchema,
  ListDeliveriesQuerySchema,
  UpdateWebhookRequestSchema,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_LIMITS,
  WebhookEndpointSchema,
  WebhookEventSchema,
  WebhookEventTypeSchema,
} from '#schemas/webhooks';
import type {
  createWebhook,
  listDeliveries,
  listWebhooks,
  redeliverEvent,
  rotateWebhookSecret,
} from '#use-cases/manage-webhooks';
import { json, ref, responseRef, type Json, type Same } from './parts.ts';

/**
 * The webhook endpoints API (docs/webhooks.md) and the events it sends, for the OpenAPI document:
 * the same zod schemas its handler validates with, and the shapes its use cases return.
 */

type Returns<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

export const CreatedWebhookSchema = z.extend(WebhookEndpointSchema, { secret: z.string() });
export const WebhookListSchema = z.object({ data: z.array(WebhookEndpointSchema) });
export const RotatedWebhookSecretSchema = z.extend(WebhookEndpointSchema, {
  secret: z.string(),
  previousSecretExpiresAt: z.string(),
});
export const DeliveryListSchema = z.object({
  data: z.array(DeliveryAttemptSchema),
  nextCursor: z.nullable(z.string()),
});
export const RedeliverySchema = z.object({ eventId: z.string(), endpointId: z.string(), status: z.literal('queued') });

// Each restates what a use case of functions/use-cases/manage-webhooks.ts returns; tsc fails if they part.
true satisfies Same<z.infer<typeof CreatedWebhookSchema>, Returns<typeof createWebhook>>;
true satisfies Same<z.infer<typeof WebhookListSchema>, Returns<typeof listWebhooks>>;
true satisfies Same<z.infer<typeof RotatedWebhookSecretSchema>, Returns<typeof rotateWebhookSecret>>;
true satisfies Same<z.infer<typeof DeliveryListSchema>, Returns<typeof listDeliveries>>;
true satisfies Same<z.infer<typeof RedeliverySchema>, Returns<typeof redeliverEvent>>;

export const WEBHOOK_SCHEMAS = {
  requests: {
    CreateWebhookRequest: CreateWebhookRequestSchema,
    UpdateWebhookRequest: UpdateWebhookRequestSchema,
    WebhookEventType: WebhookEventTypeSchema,
  },
  queries: { ListDeliveriesQuery: ListDeliveriesQuerySchema },
  responses: {
    WebhookEndpoint: WebhookEndpointSchema,
    CreatedWebhook: CreatedWebhookSchema,
    WebhookList: WebhookListSchema,
    RotatedWebhookSecret: RotatedWebhookSecretSchema,
    DeliveryAttempt: DeliveryAttemptSchema,
    DeliveryList: DeliveryListSchema,
    Redelivery: RedeliverySchema,
    WebhookEvent: WebhookEventSchema,
    WebhookEventType: WebhookEventTypeSchema,
  },
} as const;

const ENDPOINT_FIELDS = {
  id: 'The endpoint id.',
  url: 'Where events are POSTed.',
  events: 'The event types this endpoint receives.',
  description: 'Your note about the endpoint; null if none.',
  enabled: 'Whether events are sent to it. The service disables an endpoint that keeps failing.',
  disabledReason: 'Why the service disabled the endpoint, until it is enabled again; else null.',
  createdAt: 'When the endpoint was registered (UTC ISO 8601).',
  activeAt:
    'From when it receives events (UTC ISO 8601): the events of every change made at or after this time, and of none before. Up to about a minute after createdAt (the service remembers briefly that an account has no endpoint); see docs/webhooks.md.',
  updatedAt: 'When it last changed (UTC ISO 8601).',
};
const SECRET =
  "The signing secret (`whsec_…`): shown only in this response. Verify each delivery's Voisnap-Signature with it.";

export const WEBHOOK_DESCRIPTIONS: Record<string, Record<string, string>> = {
  CreateWebhookRequest: {
    url: `Where to POST events: https, at most ${WEBHOOK_LIMITS.urlLength} characters, not a private, loopback or link-local address.`,
    events: 'The event types to receive, at least one.',
    description: `Your note about the endpoint, at most ${WEBHOOK_LIMITS.descriptionLength} characters.`,
  },
  UpdateWebhookRequest: {
    url: 'A new URL, under the same rules as at creation.',
    events: 'The event types to receive from now on.',
    description: 'A new note; null removes it.',
    enabled: 'false stops deliveries; true resumes them and clears disabledReason.',
  },
  ListDeliveriesQuery: {
    pageSize: 'Attempts per page (1–100, default 20).',
    cursor: '`nextCursor` of the previous page.',
  },
  WebhookEndpoint: ENDPOINT_FIELDS,
  CreatedWebhook: { ...ENDPOINT_FIELDS, secret: SECRET },
  RotatedWebhookSecret: {
    ...ENDPOINT_FIELDS,
    secret: SECRET,
    previousSecretExpiresAt:
      'Until then (UTC ISO 8601) deliveries are signed with the previous secret too, so receivers can switch over.',
  },
  WebhookList: { data: "The account's webhook endpoints." },
  DeliveryAttempt: {
    id: 'The attempt id.',
    endpointId: 'The endpoint it was sent to.',
    eventId: 'The event sent (`evt_` followed by a ULID).',
    eventType: 'The event type.',
    attempt: 'Attempt number of this event at this endpoint, from 1.',
    attemptedAt: 'When it was sent (UTC ISO 8601).',
    succeeded: 'Whether the endpoint answered 2xx in time.',
    statusCode: "The endpoint's HTTP status; null if it did not answer.",
    latencyMs: 'How long the endpoint took to answer, or to fail.',
    error: 'What went wrong; null on success.',
    gaveUp: 'Set on the last attempt before the event was parked: it will not be retried by itself (redeliver it).',
  },
  DeliveryList: {
    data: 'Delivery attempts, newest first.',
    nextCursor: 'Pass as `cursor` to get the next page; null on the last page.',
  },
  Redelivery: {
    eventId: 'The event sent again.',
    endpointId: 'The endpoint it goes to.',
    status: 'Always `queued`: it is on its way.',
  },
  WebhookEvent: {
    id: 'The event id (`evt_` followed by a ULID); the same on every delivery of this event, so deduplicate on it.',
    type: 'The event type.',
    createdAt: 'When the change happened (UTC ISO 8601).',
    data: "What happened. A call's event: `previousStatus` (the call's status before this change; null when the change is the call's creation) and `call` (the call object at that moment, as GET /api/v1/outbound-calls/{callId} returns it). CampaignCompleted: `campaign` (the campaign once its last call ended, as GET /api/v1/campaigns/{campaignId} returns it).",
  },
};

export const WEBHOOK_SCHEMA_DESCRIPTIONS: Record<string, string> = {
  WebhookEndpoint: 'A webhook endpoint: never its signing secrets.',
  CreatedWebhook: 'The endpoint just registered, with its signing secret.',
  RotatedWebhookSecret: 'The endpoint with its new signing secret.',
  WebhookEvent:
    'What an endpoint receives: one event about one call (`data.previousStatus`, `data.call`), or, for CampaignCompleted, about one campaign (`data.campaign`).',
  WebhookEventType:
    'SessionStarted: the call was answered and the conversation begins. SessionEnded: the call reached a terminal status (a no-answer that will be retried has not). OutboundCallStatusChanged: any status change, creation included. CampaignCompleted: the last call of a campaign ended (once per campaign).',
  DeliveryAttempt: 'One attempt to deliver one event to one endpoint.',
  UpdateWebhookRequest: 'Any of the fields, at least one.',
};

const WEBHOOK_ID = {
  name: 'webhookId',
  in: 'path',
  required: true,
  description: 'The webhook endpoint id.',
  schema: { type: 'string' },
};
const EVENT_ID = {
  name: 'eventId',
  in: 'path',
  required: true,
  description: 'The event id (`evt_` followed by a ULID).',
  schema: { type: 'string' },
};
const COMMON_ERRORS = {
  401: responseRef('Unauthorized'),
  429: responseRef('TooManyRequests'),
  500: responseRef('InternalError'),
};
const WITH_ENDPOINT = { ...COMMON_ERRORS, 404: responseRef('NotFound') };
const TAG = { tags: ['Webhooks'] };

/** Each webhook route's operation, by "METHOD path" (functions/handlers/routes.ts). */
export function webhookOperations(queryParameters: Record<string, Json[]>): Record<string, Json> {
  return {
    'POST /api/v1/webhooks': {
      ...TAG,
      operationId: 'createWebhook',
      summary: 'Register a webhook endpoint',
      description: `Returns the endpoint and its signing secret, which is shown only here. An account may have ${WEBHOOK_LIMITS.endpointsPerAccount} endpoints.`,
      requestBody: { required: true, content: json(ref('CreateWebhookRequest')) },
      responses: {
        201: { description: 'The endpoint, with its secret.', content: json(ref('CreatedWebhook')) },
        400: responseRef('BadRequest'),
        413: responseRef('PayloadTooLarge'),
        415: responseRef('UnsupportedMediaType'),
        ...COMMON_ERRORS,
      },
    },
    'GET /api/v1/webhooks': {
      ...TAG,
      operationId: 'listWebhooks',
      summary: 'List webhook endpoints',
      responses: {
        200: { description: "The account's endpoints.", content: json(ref('WebhookList')) },
        ...COMMON_ERRORS,
      },
    },
    'GET /api/v1/webhooks/{webhookId}': {
      ...TAG,
      operationId: 'getWebhook',
      summary: 'Get a webhook endpoint',
      parameters: [WEBHOOK_ID],
      responses: { 200: { description: 'The endpoint.', content: json(ref('WebhookEndpoint')) }, ...WITH_ENDPOINT },
    },
    'PATCH /api/v1/webhooks/{webhookId}': {
      ...TAG,
      operationId: 'updateWebhook',
      summary: 'Change a webhook endpoint',
      parameters: [WEBHOOK_ID],
      requestBody: { required: true, content: json(ref('UpdateWebhookRequest')) },
      responses: {
        200: { description: 'The endpoint, changed.', content: json(ref('WebhookEndpoint')) },
        400: responseRef('BadRequest'),
        409: {
          description:
            'The endpoint changed while the request was handled (`concurrent_update`): send the request again.',
          content: json(ref('Error')),
        },
        413: responseRef('PayloadTooLarge'),
        415: responseRef('UnsupportedMediaType'),
        ...WITH_ENDPOINT,
      },
    },
    'DELETE /api/v1/webhooks/{webhookId}': {
      ...TAG,
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook endpoint',
      parameters: [WEBHOOK_ID],
      responses: { 204: { description: 'Deleted: it receives nothing more.' }, ...WITH_ENDPOINT },
    },
    'POST /api/v1/webhooks/{webhookId}/rotate-secret': {
      ...TAG,
      operationId: 'rotateWebhookSecret',
      summary: "Rotate a webhook endpoint's signing secret",
      description: 'The previous secret keeps signing beside the new one until previousSecretExpiresAt.',
      parameters: [WEBHOOK_ID],
      responses: {
        200: { description: 'The endpoint with its new secret.', content: json(ref('RotatedWebhookSecret')) },
        ...WITH_ENDPOINT,
      },
    },
    'GET /api/v1/webhooks/{webhookId}/deliveries': {
      ...TAG,
      operationId: 'listWebhookDeliveries',
      summary: "List a webhook endpoint's delivery attempts",
      parameters: [WEBHOOK_ID, ...(queryParameters.ListDeliveriesQuery ?? [])],
      responses: {
        200: { description: 'Delivery attempts, newest first.', content: json(ref('DeliveryList')) },
        400: responseRef('BadRequest'),
        ...WITH_ENDPOINT,
      },
    },
    'POST /api/v1/webhooks/{webhookId}/events/{eventId}/redeliver': {
      ...TAG,
      operationId: 'redeliverWebhookEvent',
      summary: 'Send an event to a webhook endpoint again',
      description: 'Events are kept 30 days.',
      parameters: [WEBHOOK_ID, EVENT_ID],
      responses: { 202: { description: 'On its way.', content: json(ref('Redelivery')) }, ...WITH_ENDPOINT },
    },
  };
}

const DELIVERY_HEADERS: Json[] = [
  { name: 'Voisnap-Event-Id', description: 'The event id.' },
  { name: 'Voisnap-Event-Type', description: 'The event type.' },
  { name: 'Voisnap-Delivery-Attempt', description: 'Attempt number, from 1.' },
  {
    name: 'Voisnap-Signature',
    description:
      '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`; one v1 per secret while a rotation is under way.',
  },
].map((header) => ({ ...header, in: 'header', required: true, schema: { type: 'string' } }));

/** The events the service POSTs to registered endpoints (OpenAPI 3.1 `webhooks`). */
export function webhookEvents(): Record<string, Json> {
  return Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          ...TAG,
          operationId: `receive${type}`,
          summary: `${type} event`,
          parameters: DELIVERY_HEADERS,
          requestBody: { required: true, content: json(ref('WebhookEvent')) },
          responses: {
            '2XX': {
              description:
                'Received. Anything else, or no answer within 10 seconds, is retried with backoff for 25 hours.',
            },
          },
        },
      },
    ]),
  );
}
