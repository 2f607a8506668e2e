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
/** Filters of `webhooks.deliveries()`; the iterator follows the pages' cursors itself. */
export type ListDeliveriesParams = Omit<
  NonNullable<operations['listWebhookDeliveries']['parameters']['query']>,
  'cursor'
>;

/**
 * The body of `outboundCalls.update()` (PATCH /api/v1/outbound-calls/{id}): any of these fields of a
 * call that is still `scheduled`; any other status answers 409. A new `scheduledFor` moves the
 * schedule, so the old time can never dial the call.
 */
export type UpdateCallParams = components['schemas']['UpdateCallRequest'];

// Campaigns and suppressions (docs/api.md, "Campaigns" and "Suppression list").

/** When calls may be dialed: local days and `HH:MM` times in `timeZone` (`callee`: the number's own zone). */
export type CallingWindow = components['schemas']['CallingWindow'];
/** A day of a calling window, Monday first. */
export type Weekday = CallingWindow['days'][number];
/** Retries per outcome; an outcome without an entry is not retried. */
export type RetryPolicy = components['schemas']['RetryPolicy'];
/** Retries after one outcome: up to `maxRetries` (0–3), `delayMinutes` apart, always inside the window. */
export type RetryRule = NonNullable<RetryPolicy['no_answer']>;

/** One contact of a campaign: it becomes one outbound call, the published object plus `campaignId`. */
export type CampaignContact = components['schemas']['CampaignContact'];
/** The body of `campaigns.create()` (POST /api/v1/campaigns); add more contacts with `campaigns.addContacts()`. */
export type CreateCampaignParams = components['schemas']['CreateCampaignRequest'];
/** How fast a campaign dials, as `campaigns.create()` takes it (a `Campaign`'s `pacing` has both fields). */
export type Pacing = NonNullable<CreateCampaignParams['pacing']>;

export type CampaignStatus = components['schemas']['CampaignStatus'];
/** A campaign, as every campaigns operation returns it. */
export type Campaign = components['schemas']['Campaign'];
/** How many contacts the campaign has (`total`) and how many of its calls are in each status. */
export type CampaignCounts = Campaign['counts'];
/** Filters of `campaigns.list()`; the iterator fetches every page. */
export type ListCampaignsParams = Omit<NonNullable<operations['listCampaigns']['parameters']['query']>, 'cursor'>;

/** A number the account never calls again, until it is removed. */
export type Suppression = components['schemas']['Suppression'];
/** The body of `suppressions.add()` (POST /api/v1/suppressions). */
export type AddSuppressionParams = components['schemas']['CreateSuppressionRequest'];
/** Filters of `suppressions.list()`; the iterator fetches every page. */
export type ListSuppressionsParams = Omit<NonNullable<operations['listSuppressions']['parameters']['query']>, 'cursor'>;
