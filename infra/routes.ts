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
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/api/v1/outbound-calls', handler: 'create-call', authorized: true },
  { method: 'GET', path: '/api/v1/outbound-calls', handler: 'list-calls', authorized: true },
  { method: 'GET', path: '/api/v1/outbound-calls/{callId}', handler: 'get-call', authorized: true },
  { method: 'POST', path: '/api/v1/outbound-calls/{callId}/cancel', handler: 'cancel-call', authorized: true },
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
} as const;
