import type { components, operations } from './generated/api.js';

/** An outbound call, as every operation returns it. */
export type Call = components['schemas']['Call'];
/** One dial attempt of a call. */
export type CallAttempt = components['schemas']['CallAttempt'];
export type CallStatus = components['schemas']['CallStatus'];
export type EndReason = components['schemas']['EndReason'];
/** The body of `outboundCalls.create()`. */
export type CreateCallParams = components['schemas']['CreateCallRequest'];
/** Filters of `outboundCalls.list()`; the iterator follows the pages' cursors itself. */
export type ListCallsParams = Omit<NonNullable<operations['listCalls']['parameters']['query']>, 'cursor'>;
/** One page of calls, as GET /api/v1/outbound-calls answers. */
export type CallList = components['schemas']['CallList'];
/** The service's error shape. */
export type ErrorBody = components['schemas']['Error'];
export type ErrorType = ErrorBody['error']['type'];

/** A registered webhook endpoint (never its secret). */
export type WebhookEndpoint = components['schemas']['WebhookEndpoint'];
/** The endpoint just registered, with its signing secret (shown only once). */
export type CreatedWebhook = components['schemas']['CreatedWebhook'];
export type CreateWebhookParams = components['schemas']['CreateWebhookRequest'];
export type UpdateWebhookParams = components['schemas']['UpdateWebhookRequest'];
export type WebhookList = components['schemas']['WebhookList'];
export type RotatedWebhookSecret = components['schemas']['RotatedWebhookSecret'];
export type WebhookEventType = components['schemas']['WebhookEventType'];
/** What an endpoint receives, as verifyWebhook returns it. */
export type WebhookEvent = components['schemas']['WebhookEvent'];
/** One attempt to deliver one event to one endpoint. */
export type DeliveryAttempt = components['schemas']['DeliveryAttempt'];
export type Redelivery = components['schemas']['Redelivery'];
export interface ListDeliveriesParams {
  /** Attempts per page (1–100, default 20). */
  pageSize?: number;
}

/**
 * The body of `outboundCalls.update()` (PATCH /api/v1/outbound-calls/{id}): any of these fields of a
 * call that is still `scheduled`; any other status answers 409. A new `scheduledFor` moves the
 * schedule, so the old time can never dial the call.
 */
export interface UpdateCallParams {
  /** ISO 8601 with a zone, in the future. */
  scheduledFor?: string;
  /** Replaces the call's metadata (the same bounds as at creation). */
  metadata?: Record<string, unknown>;
  overrideFirstMessage?: string;
  /** Auto-retries on no-answer, 0–3. */
  maxRetries?: number;
  retryDelayMinutes?: number;
}

// Campaigns and suppressions (issue 12's contract, docs/api.md "Campaigns"), written here until the
// OpenAPI document carries them.

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** When calls may be dialed: local days and `HH:MM` times in `timeZone` (`callee`: the number's own zone). */
export interface CallingWindow {
  days: Weekday[];
  start: string;
  end: string;
  timeZone: 'callee' | (string & {});
  /**
   * With `timeZone: 'callee'`: the IANA zone of a number whose own zone its area code does not
   * tell (non-geographic numbers such as +1 500 or +1 800); without it such a number is refused.
   */
  defaultTimeZone?: string;
  /** Local dates (`YYYY-MM-DD`, inclusive) with no calls: holidays. */
  blackoutDates?: { from: string; to: string }[];
}

export interface Pacing {
  callsPerMinute?: number;
  maxConcurrentCalls?: number;
}

/** Retries after one outcome: up to `maxRetries` (0–3), `delayMinutes` apart, always inside the window. */
export interface RetryRule {
  maxRetries: number;
  delayMinutes: number;
}

export interface RetryPolicy {
  no_answer?: RetryRule;
  busy?: RetryRule;
  voicemail?: RetryRule;
  failed?: RetryRule;
}

/** One contact of a campaign: it becomes one outbound call, the published object plus `campaignId`. */
export interface CampaignContact {
  toNumber: string;
  metadata?: Record<string, unknown>;
  overrideFirstMessage?: string;
  /** The callee's IANA zone; wins over the zone the number implies. */
  timeZone?: string;
}

/** The body of `campaigns.create()` (POST /api/v1/campaigns). */
export interface CreateCampaignParams {
  name: string;
  agentId: string;
  fromNumber?: string;
  /** 1 to 1,000; add more with `campaigns.addContacts()`. */
  contacts: CampaignContact[];
  /** ISO 8601 with a zone; default now. */
  startAt?: string;
  callingWindow?: CallingWindow;
  pacing?: Pacing;
  retryPolicy?: RetryPolicy;
}

export type CampaignStatus = 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

/** How many contacts the campaign has (`total`) and how many of its calls are in each status. */
export type CampaignCounts = { total: number } & Record<CallStatus, number>;

/** A campaign, as every campaigns operation returns it. */
export interface Campaign {
  /** `cmp_` followed by a ULID. */
  id: string;
  name: string;
  agentId: string;
  fromNumber?: string | null;
  status: CampaignStatus;
  startAt: string;
  callingWindow?: CallingWindow | null;
  pacing?: Pacing | null;
  retryPolicy?: RetryPolicy | null;
  counts: CampaignCounts;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface ListCampaignsParams {
  /** Campaigns per page (1–100, default 20); the iterator fetches every page. */
  pageSize?: number;
}

/** A number the account never calls again, until it is removed. */
export interface Suppression {
  /** E.164. */
  phoneNumber: string;
  reason: string | null;
  createdAt: string;
}

export interface AddSuppressionParams {
  phoneNumber: string;
  reason?: string;
}

export interface ListSuppressionsParams {
  /** Suppressions per page; the iterator fetches every page. */
  pageSize?: number;
}
