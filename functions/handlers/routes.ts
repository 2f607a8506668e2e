/**
 * The HTTP API's routes and the handler module behind each (functions/handlers/<handler>.ts).
 * The CDK stack and the local HTTP front both read this list, so they serve the same API.
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  handler: string;
  /** Routes behind the API-key Lambda authorizer. The others check their own signatures. */
  authorized: boolean;
  /** Routes that read a query string (and name its parameters); any query parameter sent to another API route is a 400. */
  query?: true;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/api/v1/outbound-calls', handler: 'create-call', authorized: true },
  { method: 'GET', path: '/api/v1/outbound-calls', handler: 'list-calls', authorized: true, query: true },
  { method: 'GET', path: '/api/v1/outbound-calls/{callId}', handler: 'get-call', authorized: true },
  { method: 'PATCH', path: '/api/v1/outbound-calls/{callId}', handler: 'update-call', authorized: true },
  { method: 'POST', path: '/api/v1/outbound-calls/{callId}/cancel', handler: 'cancel-call', authorized: true },
  // Campaigns: contacts become outbound calls; pause, resume, cancel (docs/api.md, "Campaigns").
  { method: 'POST', path: '/api/v1/campaigns', handler: 'campaigns', authorized: true },
  { method: 'GET', path: '/api/v1/campaigns', handler: 'campaigns', authorized: true, query: true },
  { method: 'GET', path: '/api/v1/campaigns/{campaignId}', handler: 'campaigns', authorized: true },
  { method: 'POST', path: '/api/v1/campaigns/{campaignId}/contacts', handler: 'campaigns', authorized: true },
  { method: 'POST', path: '/api/v1/campaigns/{campaignId}/pause', handler: 'campaigns', authorized: true },
  { method: 'POST', path: '/api/v1/campaigns/{campaignId}/resume', handler: 'campaigns', authorized: true },
  { method: 'POST', path: '/api/v1/campaigns/{campaignId}/cancel', handler: 'campaigns', authorized: true },
  // Customer webhook endpoints and their deliveries (docs/webhooks.md).
  { method: 'POST', path: '/api/v1/webhooks', handler: 'webhook-endpoints', authorized: true },
  { method: 'GET', path: '/api/v1/webhooks', handler: 'webhook-endpoints', authorized: true },
  { method: 'GET', path: '/api/v1/webhooks/{webhookId}', handler: 'webhook-endpoints', authorized: true },
  { method: 'PATCH', path: '/api/v1/webhooks/{webhookId}', handler: 'webhook-endpoints', authorized: true },
  { method: 'DELETE', path: '/api/v1/webhooks/{webhookId}', handler: 'webhook-endpoints', authorized: true },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{webhookId}/rotate-secret',
    handler: 'webhook-endpoints',
    authorized: true,
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/{webhookId}/deliveries',
    handler: 'webhook-endpoints',
    authorized: true,
    query: true,
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{webhookId}/events/{eventId}/redeliver',
    handler: 'webhook-endpoints',
    authorized: true,
  },
  // The account's suppression list: numbers never to be called (docs/api.md).
  { method: 'POST', path: '/api/v1/suppressions', handler: 'suppressions', authorized: true },
  { method: 'GET', path: '/api/v1/suppressions', handler: 'suppressions', authorized: true, query: true },
  { method: 'DELETE', path: '/api/v1/suppressions/{phoneNumber}', handler: 'suppressions', authorized: true },
  // The OpenAPI document (docs/openapi.json): public, like the reference it describes.
  { method: 'GET', path: '/api/v1/openapi.json', handler: 'openapi-document', authorized: false },
  // The telephony provider's webhooks (Twilio-signed): call status, answer instructions, stream end.
  { method: 'POST', path: '/telephony/twilio/status', handler: 'telephony-webhooks', authorized: false },
  { method: 'POST', path: '/telephony/twilio/answer', handler: 'telephony-webhooks', authorized: false },
  { method: 'POST', path: '/telephony/twilio/stream-ended', handler: 'telephony-webhooks', authorized: false },
  // The carrier simulator, speaking Twilio's Calls API under /simulator/2010-04-01/Accounts/…
  // (HTTP Basic auth with the simulator's credentials); it routes the rest of the path itself.
  { method: 'POST', path: '/simulator/{proxy+}', handler: 'carrier-simulator', authorized: false },
  { method: 'GET', path: '/simulator/{proxy+}', handler: 'carrier-simulator', authorized: false },
];

/** Answers every request no route matches, in the service's error shape. */
export const DEFAULT_ROUTE_HANDLER = 'route-not-found';
export const AUTHORIZER_HANDLER = 'authorizer';

/** Functions that no HTTP route invokes. */
export const BACKGROUND_HANDLERS = {
  /** SQS dial queue consumer (partial batch failures). */
  dialer: 'dialer',
  /** Runs every minute: stuck calls, overdue schedules, slot counts. */
  reconciler: 'reconciler',
  /** The table's stream consumer: call changes become events (bisect on error, partial batch failures). */
  eventsStream: 'events-stream',
  /** The webhook delivery queue's consumer. */
  webhookDelivery: 'webhook-delivery',
} as const;
