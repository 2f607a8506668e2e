import type { Call } from '#schemas/call';
import type { CreateCallRequest } from '#schemas/create-call-request';
import type { CallList } from '#use-cases/list-calls';
import type { ErrorBody } from '#handlers/http/api-handler';

/**
 * The API reference's examples (shared/spec/outbound-calls-api.md), as the OpenAPI document shows
 * them. The reference prints the published fields only; the service's responses carry a few more
 * (docs/api.md), so the response examples add those with the values the service would give.
 * test/openapi checks every example against the schema it illustrates.
 */

/** The reference's "Outbound call object". */
export const COMPLETED_CALL: Call = {
  id: 'obc_01HXMN8ZABC123',
  agentId: 'agt_01HXK8Z3MNPQRS',
  fromNumber: '+14155550123',
  toNumber: '+14155550199',
  status: 'completed',
  direction: 'outbound',
  scheduledFor: null,
  initiatedAt: '2025-06-16T14:00:00Z',
  connectedAt: '2025-06-16T14:00:08Z',
  endedAt: '2025-06-16T14:03:42Z',
  durationSeconds: 214,
  conversationId: 'conv_01HXDEF789',
  metadata: {
    campaignId: 'camp_summer_2025',
    customerId: 'cust_12345',
    customerName: 'Jane Smith',
  },
  endReason: 'agent_ended',
  retryCount: 0,
  maxRetries: 0,
  retryDelayMinutes: 15,
  overrideFirstMessage: null,
  callingWindow: null,
  retryPolicy: null,
  attempts: [
    {
      attempt: 1,
      scheduledFor: null,
      initiatedAt: '2025-06-16T14:00:00Z',
      connectedAt: '2025-06-16T14:00:08Z',
      endedAt: '2025-06-16T14:03:42Z',
      durationSeconds: 214,
      status: 'completed',
      endReason: 'agent_ended',
    },
  ],
  createdAt: '2025-06-16T14:00:00Z',
  updatedAt: '2025-06-16T14:03:42Z',
};

/** The reference's "Immediate call" request body. */
export const IMMEDIATE_CALL_REQUEST: CreateCallRequest = {
  agentId: 'agt_01HXK8Z3MNPQRS',
  toNumber: '+14155550199',
  metadata: {
    customerId: 'cust_12345',
    customerName: 'Jane Smith',
    appointmentTime: '2025-06-20T10:00:00',
  },
  overrideFirstMessage: 'Hi Jane, this is Aria calling from Acme to confirm your appointment on June 20th at 10 AM.',
};

/** The reference's "Scheduled call" request body. */
export const SCHEDULED_CALL_REQUEST: CreateCallRequest = {
  agentId: 'agt_01HXK8Z3MNPQRS',
  toNumber: '+14155550199',
  scheduledFor: '2025-06-17T09:00:00Z',
  metadata: { customerId: 'cust_12345' },
  maxRetries: 2,
  retryDelayMinutes: 30,
};

const NOT_STARTED: Pick<
  Call,
  | 'initiatedAt'
  | 'connectedAt'
  | 'endedAt'
  | 'durationSeconds'
  | 'conversationId'
  | 'endReason'
  | 'retryCount'
  | 'attempts'
  | 'callingWindow'
  | 'retryPolicy'
> = {
  initiatedAt: null,
  connectedAt: null,
  endedAt: null,
  durationSeconds: null,
  conversationId: null,
  endReason: null,
  retryCount: 0,
  attempts: [],
  callingWindow: null,
  retryPolicy: null,
};

/** The reference's create "Response" (queued, created 2025-06-16T14:00:00Z) for the immediate request. */
export const QUEUED_CALL: Call = {
  ...NOT_STARTED,
  id: 'obc_01HXMN8ZABC123',
  agentId: 'agt_01HXK8Z3MNPQRS',
  fromNumber: '+14155550123',
  toNumber: '+14155550199',
  status: 'queued',
  direction: 'outbound',
  scheduledFor: null,
  metadata: IMMEDIATE_CALL_REQUEST.metadata ?? {},
  maxRetries: 0,
  retryDelayMinutes: 15,
  overrideFirstMessage: IMMEDIATE_CALL_REQUEST.overrideFirstMessage ?? null,
  createdAt: '2025-06-16T14:00:00Z',
  updatedAt: '2025-06-16T14:00:00Z',
};

/** What the scheduled request creates. */
export const SCHEDULED_CALL: Call = {
  ...NOT_STARTED,
  id: 'obc_01HXMP2QDEF456',
  agentId: 'agt_01HXK8Z3MNPQRS',
  fromNumber: '+14155550123',
  toNumber: '+14155550199',
  status: 'scheduled',
  direction: 'outbound',
  scheduledFor: '2025-06-17T09:00:00Z',
  metadata: { customerId: 'cust_12345' },
  maxRetries: 2,
  retryDelayMinutes: 30,
  overrideFirstMessage: null,
  createdAt: '2025-06-16T14:05:00Z',
  updatedAt: '2025-06-16T14:05:00Z',
};

/** The scheduled call after `POST …/cancel`. */
export const CANCELLED_CALL: Call = {
  ...SCHEDULED_CALL,
  status: 'cancelled',
  endedAt: '2025-06-16T15:00:00Z',
  durationSeconds: 0,
  endReason: 'cancelled',
  updatedAt: '2025-06-16T15:00:00Z',
};

/** The reference's list example: `?status=scheduled&agentId=agt_01HXK8Z3MNPQRS`. */
export const SCHEDULED_CALLS_PAGE: CallList = {
  data: [SCHEDULED_CALL],
  page: 1,
  pageSize: 20,
  hasMore: false,
  nextCursor: null,
};

export const ERROR_EXAMPLES = {
  invalidPhoneNumber: {
    error: {
      type: 'invalid_request',
      code: 'invalid_phone_number',
      message:
        'toNumber must be a phone number in E.164 format, such as +14155550199 (a plus sign, the country code and the number, no spaces).',
      param: 'toNumber',
    },
  },
  unknownField: {
    error: {
      type: 'invalid_request',
      code: 'unknown_field',
      message: 'Unknown field "scheduledfor". Did you mean "scheduledFor"?',
      param: 'scheduledfor',
    },
  },
  invalidApiKey: {
    error: {
      type: 'authentication_failed',
      code: 'invalid_api_key',
      message: 'The API key is not valid: it is unknown or has been revoked.',
    },
  },
  callNotFound: {
    error: {
      type: 'not_found',
      code: 'call_not_found',
      message: 'No outbound call obc_01HXMN8ZABC123 exists.',
      param: 'callId',
    },
  },
  callNotCancellable: {
    error: {
      type: 'conflict',
      code: 'call_not_cancellable',
      message: 'Call obc_01HXMN8ZABC123 is in_progress; only scheduled or queued calls can be cancelled.',
    },
  },
  idempotencyKeyReused: {
    error: {
      type: 'unprocessable',
      code: 'idempotency_key_reused',
      message: 'This Idempotency-Key was already used with a different request body; use a new key for a new call.',
    },
  },
  internalError: {
    error: {
      type: 'internal',
      code: 'internal_error',
      message:
        'Something went wrong on our side. Retry the request; if it keeps failing, contact support with the time of the request.',
    },
  },
  outcomeUnknown: {
    error: {
      type: 'internal',
      code: 'outcome_unknown',
      message:
        'The call obc_01HXMN8ZABC123 may have been created (if it was, it will be made within minutes): the database stopped answering while it was being written. Read it (GET /api/v1/outbound-calls/obc_01HXMN8ZABC123), or send the create again with the same Idempotency-Key, which answers with this call if it was created.',
    },
  },
} satisfies Record<string, ErrorBody>;

/** What API Gateway itself answers, before any function runs. */
export const GATEWAY_EXAMPLES = {
  unauthorized: { message: 'Unauthorized' },
  tooManyRequests: { message: 'Too Many Requests' },
};
