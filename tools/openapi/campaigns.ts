import * as z from 'zod/mini';
import { CALL_STATUSES } from '#schemas/call';
import { CAMPAIGN_LIMITS, CampaignSchema, CampaignStatusSchema, ListCampaignsQuerySchema } from '#schemas/campaign';
import {
  AppendContactsRequestSchema,
  CampaignContactSchema,
  CreateCampaignRequestSchema,
} from '#schemas/campaign-request';
import type { listCampaigns } from '#use-cases/campaigns';
import { json, ref, responseRef, type Json, type Same } from './parts.ts';

/**
 * The campaigns API (docs/api.md, "Campaigns") for the OpenAPI document: the zod schemas its
 * handler validates with, and the shapes its use cases return.
 */

export const CampaignListSchema = z.object({
  data: z.array(CampaignSchema),
  pageSize: z.int(),
  hasMore: z.boolean(),
  nextCursor: z.nullable(z.string()),
});
true satisfies Same<z.infer<typeof CampaignListSchema>, Awaited<ReturnType<typeof listCampaigns>>>;

export const CAMPAIGN_SCHEMAS = {
  requests: {
    CreateCampaignRequest: CreateCampaignRequestSchema,
    AppendContactsRequest: AppendContactsRequestSchema,
    CampaignContact: CampaignContactSchema,
  },
  queries: { ListCampaignsQuery: ListCampaignsQuerySchema },
  responses: { Campaign: CampaignSchema, CampaignStatus: CampaignStatusSchema, CampaignList: CampaignListSchema },
} as const;

const { contactsPerRequest: contacts, callsPerMinute, maxConcurrentCalls } = CAMPAIGN_LIMITS;
const CONTACTS = `The contacts, ${contacts.min} to ${contacts.max} per request; each number at most once per request (a repeat is a 400 naming it). Each becomes one outbound call.`;

export const CAMPAIGN_DESCRIPTIONS: Record<string, Record<string, string>> = {
  CreateCampaignRequest: {
    name: `A name for people, 1 to ${CAMPAIGN_LIMITS.nameLength} characters.`,
    agentId: 'Agent to handle every call: an agent of your account.',
    fromNumber:
      "Caller ID for every call: a provisioned number assigned to this agent. Default: the agent's default number.",
    contacts: CONTACTS,
    startAt: 'ISO 8601 date-time with a zone: the first contact is due then. Default: now.',
    pacing: 'How fast the campaign dials.',
    'pacing.callsPerMinute': `Calls started per minute (${callsPerMinute.min}–${callsPerMinute.max}, default ${callsPerMinute.default}); the provider's calls-per-second limit still applies beneath it.`,
    'pacing.maxConcurrentCalls': `Calls of the campaign dialing or connected at once (${maxConcurrentCalls.min} up to your account's concurrent-call limit, which is the default).`,
    callingWindow:
      "When every attempt of every call may be dialed, as a call's callingWindow; a contact's own timeZone replaces the window's zone for that contact.",
    retryPolicy: "Retries per outcome of every call, as a call's retryPolicy.",
  },
  AppendContactsRequest: { contacts: CONTACTS },
  CampaignContact: {
    toNumber: 'E.164 phone number to call.',
    metadata: "Key-value pairs for this contact's call, passed to the agent session (as a call's metadata).",
    overrideFirstMessage: "The agent's first message for this contact's call.",
    timeZone: "The callee's IANA time zone; wins over the zone a calling window derives from the number.",
  },
  ListCampaignsQuery: {
    pageSize: 'Campaigns per page (1–100, default 20).',
    cursor: '`nextCursor` of the previous page.',
  },
  Campaign: {
    id: '`cmp_` followed by a ULID.',
    name: 'The name given at creation.',
    agentId: 'The agent of every call.',
    fromNumber: "The caller ID of every call; null: the agent's default number.",
    status: '`scheduled` (before startAt), `running`, `paused`, `completed` (every call has ended) or `cancelled`.',
    startAt: 'When the first contact was due (UTC ISO 8601).',
    pacing: 'How fast the campaign dials.',
    'pacing.callsPerMinute': 'Calls started per minute.',
    'pacing.maxConcurrentCalls': 'Calls of the campaign dialing or connected at once, at most.',
    callingWindow: 'The calling window every call keeps to; null if none.',
    retryPolicy: 'Retries per outcome; null if none.',
    counts:
      "The campaign's calls: `total` contacts, and how many calls are in each status. Kept from the table's stream, so a moment behind the calls.",
    'counts.total': 'Contacts in the campaign (calls created or being created).',
    ...Object.fromEntries(CALL_STATUSES.map((status) => [`counts.${status}`, `Calls now \`${status}\`.`])),
    createdAt: 'When the campaign was created (UTC ISO 8601).',
    updatedAt: 'When its settings or status last changed (UTC ISO 8601).',
    completedAt: 'When its last call ended (UTC ISO 8601); null until then.',
  },
  CampaignList: {
    data: 'Campaigns, newest first.',
    pageSize: 'Campaigns per page.',
    hasMore: 'Whether another page follows.',
    nextCursor: 'Pass as `cursor` to get the next page; null on the last page.',
  },
};

export const CAMPAIGN_SCHEMA_DESCRIPTIONS: Record<string, string> = {
  CreateCampaignRequest:
    'Unknown fields are rejected (400 unknown_field). Checked before anything is stored: a contact whose call could not be made refuses the whole request.',
  AppendContactsRequest: 'Unknown fields are rejected (400 unknown_field).',
  Campaign: 'A campaign: its settings, status and counts. Its calls are outbound calls carrying its campaignId.',
  CampaignContact: 'One contact of a campaign: it becomes one outbound call.',
  CampaignStatus:
    'scheduled: before startAt. running: its calls are dialed as they come due. paused: no call of it starts dialing until it is resumed. completed: every call has ended. cancelled: every call not yet dialed was cancelled.',
  CampaignList: 'One page of campaigns, newest first.',
};

const TAG = { tags: ['Campaigns'] };
const CAMPAIGN_ID = {
  name: 'campaignId',
  in: 'path',
  required: true,
  description: 'The campaign id (`cmp_` followed by a ULID).',
  schema: { type: 'string' },
};
const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the request safe to retry: for 24 hours the same key with the same body creates nothing more (and finishes a request that was cut short), answering with the campaign and header Idempotent-Replayed: true; the same key with another body is a 422.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};
const WITH_CAMPAIGN = {
  401: responseRef('Unauthorized'),
  404: responseRef('NotFound'),
  429: responseRef('TooManyRequests'),
  500: responseRef('InternalError'),
};
const campaignResponse = (description: string) => ({ description, content: json(ref('Campaign')) });

/** Each campaigns route's operation, by "METHOD path" (functions/handlers/routes.ts). */
export function campaignOperations(queryParameters: Record<string, Json[]>): Record<string, Json> {
  return {
    'POST /api/v1/campaigns': {
      ...TAG,
      operationId: 'createCampaign',
      summary: 'Create a campaign',
      description:
        'Stores the campaign and creates one outbound call per contact (carrying `campaignId`), due from `startAt` one every 60 / callsPerMinute seconds.',
      parameters: [IDEMPOTENCY_KEY],
      requestBody: { required: true, content: json(ref('CreateCampaignRequest')) },
      responses: {
        201: campaignResponse('The campaign.'),
        400: responseRef('BadRequest'),
        401: responseRef('Unauthorized'),
        413: responseRef('PayloadTooLarge'),
        415: responseRef('UnsupportedMediaType'),
        422: responseRef('Unprocessable'),
        429: responseRef('TooManyRequests'),
        500: responseRef('InternalError'),
      },
    },
    'GET /api/v1/campaigns': {
      ...TAG,
      operationId: 'listCampaigns',
      summary: 'List campaigns',
      parameters: queryParameters.ListCampaignsQuery ?? [],
      responses: {
        200: { description: 'Campaigns, newest first.', content: json(ref('CampaignList')) },
        400: responseRef('BadRequest'),
        401: responseRef('Unauthorized'),
        429: responseRef('TooManyRequests'),
        500: responseRef('InternalError'),
      },
    },
    'GET /api/v1/campaigns/{campaignId}': {
      ...TAG,
      operationId: 'getCampaign',
      summary: 'Get a campaign, with its counts',
      parameters: [CAMPAIGN_ID],
      responses: { 200: campaignResponse('The campaign.'), ...WITH_CAMPAIGN },
    },
    'POST /api/v1/campaigns/{campaignId}/contacts': {
      ...TAG,
      operationId: 'appendCampaignContacts',
      summary: 'Add contacts to a campaign',
      description: "Due after the campaign's last contact, at its pace. A cancelled campaign takes none (409).",
      parameters: [CAMPAIGN_ID, IDEMPOTENCY_KEY],
      requestBody: { required: true, content: json(ref('AppendContactsRequest')) },
      responses: {
        200: campaignResponse('The campaign.'),
        400: responseRef('BadRequest'),
        409: responseRef('Conflict'),
        413: responseRef('PayloadTooLarge'),
        415: responseRef('UnsupportedMediaType'),
        422: responseRef('Unprocessable'),
        ...WITH_CAMPAIGN,
      },
    },
    'POST /api/v1/campaigns/{campaignId}/pause': {
      ...TAG,
      operationId: 'pauseCampaign',
      summary: 'Pause a campaign',
      description:
        'Once this answers, no call of the campaign starts dialing; calls already dialing or connected finish.',
      parameters: [CAMPAIGN_ID],
      responses: { 200: campaignResponse('The paused campaign.'), 409: responseRef('Conflict'), ...WITH_CAMPAIGN },
    },
    'POST /api/v1/campaigns/{campaignId}/resume': {
      ...TAG,
      operationId: 'resumeCampaign',
      summary: 'Resume a paused campaign',
      description:
        'The calls the pause held are dialed again from now, at the campaign’s pace. The campaign is `running` again, or `scheduled` while its `startAt` is ahead.',
      parameters: [CAMPAIGN_ID],
      responses: {
        200: campaignResponse('The campaign, running (or scheduled, before its startAt).'),
        409: responseRef('Conflict'),
        ...WITH_CAMPAIGN,
      },
    },
    'POST /api/v1/campaigns/{campaignId}/cancel': {
      ...TAG,
      operationId: 'cancelCampaign',
      summary: 'Cancel a campaign',
      description: 'Every call of the campaign not yet dialed ends `cancelled`.',
      parameters: [CAMPAIGN_ID],
      responses: { 200: campaignResponse('The cancelled campaign.'), 409: responseRef('Conflict'), ...WITH_CAMPAIGN },
    },
  };
}
