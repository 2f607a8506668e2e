import { invalidRequest, notFound } from '#domain/errors';
import { CAMPAIGN_ID_PATTERN } from '#domain/ids';
import { CAMPAIGN_LIMITS, ListCampaignsQuerySchema } from '#schemas/campaign';
import {
  AppendContactsRequestSchema,
  CAMPAIGN_FIELD_CODES,
  CreateCampaignRequestSchema,
} from '#schemas/campaign-request';
import { CreateCallEnvSchema, parseEnv } from '#schemas/env';
import { parseOrThrow } from '#schemas/parse';
import {
  appendContacts,
  cancelCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  pauseCampaign,
  resumeCampaign,
} from '#use-cases/campaigns';
import {
  apiHandler,
  created,
  header,
  json,
  jsonBody,
  pathParameter,
  type ApiEvent,
  type ApiRequest,
  type ApiResult,
} from './http/api-handler.ts';
import { loggedFailure } from './batch-failures.ts';
import { logger } from './logger.ts';
import { calls, directory, suppressions } from './composition/table.ts';
import { LibphonenumberZones } from '#adapters/phone-zones/libphonenumber-zones';
import { dispatchDeps, sweeps } from './composition/dispatch.ts';
import { campaigns } from './composition/campaigns.ts';
import { metrics } from './composition/observability.ts';

const BASE = '/api/v1/campaigns';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const body = { noun: 'field', fieldCodes: CAMPAIGN_FIELD_CODES } as const;
const env = parseEnv(CreateCallEnvSchema, process.env);
const testCallsPlaceable = env.SIMULATOR_API_BASE_URL !== undefined;

const deps = {
  calls,
  directory,
  campaigns,
  suppressions,
  phoneZones: new LibphonenumberZones(),
  ...dispatchDeps,
  sweeps,
  metrics,
  testCallsPlaceable,
  callsBudgetMs: env.CAMPAIGN_CALLS_BUDGET_MS,
  onContactNotCreated: (campaignId: string, index: number, error: unknown) =>
    logger.warn("A campaign contact's call was not made in its request; the campaign's background work makes it", {
      campaignId,
      index,
      ...loggedFailure(error),
    }),
  onSweepNotSent: (campaignId: string, error: unknown) =>
    logger.error(
      "A campaign's background work (a resume's or cancel's, or its contacts' calls) could not be sent; the dial gate and the reconciler will do it",
      { campaignId, ...loggedFailure(error) },
    ),
  onDispatchFailed: (callId: string, error: unknown) =>
    logger.error("A campaign contact's call could not be dispatched; the reconciler will dispatch it", {
      callId,
      ...loggedFailure(error),
    }),
};

function idempotencyKey(event: ApiEvent): string | undefined {
  const key = header(event, 'Idempotency-Key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw invalidRequest(
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.',
      'Idempotency-Key',
    );
  }
  return key;
}

/** The path's campaign id, checked for its shape before any store is asked (404 otherwise). */
function campaignId(event: ApiEvent): string {
  const id = pathParameter(event, 'campaignId');
  if (!CAMPAIGN_ID_PATTERN.test(id))
    throw notFound('campaign_not_found', `No campaign ${id.slice(0, 64)} exists in this account.`, 'campaignId');
  return id;
}

const replayHeader = (replayed: boolean): Record<string, string> => (replayed ? { 'idempotent-replayed': 'true' } : {});

/** The campaigns API: one function serves its routes (docs/api.md, "Campaigns"). */
const routes: Record<string, (request: ApiRequest) => Promise<ApiResult>> = {
  [`POST ${BASE}`]: async ({ event, caller }) => {
    const rawRequest = jsonBody(event);
    const request = parseOrThrow(CreateCampaignRequestSchema, rawRequest, body);
    const result = await createCampaign(deps, { caller, request, rawRequest, idempotencyKey: idempotencyKey(event) });
    return created(`${BASE}/${encodeURIComponent(result.campaign.id)}`, result.campaign, replayHeader(result.replayed));
  },
  [`GET ${BASE}`]: async ({ event, caller }) =>
    json(
      200,
      await listCampaigns(
        deps,
        caller.accountId,
        parseOrThrow(ListCampaignsQuerySchema, event.queryStringParameters ?? {}, {
          noun: 'query parameter',
          fieldCodes: { cursor: 'invalid_cursor' },
        }),
      ),
    ),
  [`GET ${BASE}/{campaignId}`]: async ({ event, caller }) =>
    json(200, await getCampaign(deps, caller.accountId, campaignId(event))),
  [`POST ${BASE}/{campaignId}/contacts`]: async ({ event, caller }) => {
    const id = campaignId(event);
    const rawRequest = jsonBody(event);
    const request = parseOrThrow(AppendContactsRequestSchema, rawRequest, body);
    const result = await appendContacts(deps, {
      caller,
      campaignId: id,
      contacts: request.contacts,
      rawRequest,
      idempotencyKey: idempotencyKey(event),
    });
    return json(200, result.campaign, replayHeader(result.replayed));
  },
  [`POST ${BASE}/{campaignId}/pause`]: async ({ event, caller }) =>
    json(200, await pauseCampaign(deps, caller.accountId, campaignId(event))),
  [`POST ${BASE}/{campaignId}/resume`]: async ({ event, caller }) =>
    json(200, await resumeCampaign(deps, caller.accountId, campaignId(event))),
  [`POST ${BASE}/{campaignId}/cancel`]: async ({ event, caller }) =>
    json(200, await cancelCampaign(deps, caller.accountId, campaignId(event))),
};

/** POST/GET /api/v1/campaigns… (functions/handlers/routes.ts) */
export const handler = apiHandler(
  async (request) => {
    const route = routes[request.event.routeKey];
    if (!route) throw notFound('route_not_found', `No route ${request.event.routeKey}.`);
    return route(request);
  },
  { bodyBytes: CAMPAIGN_LIMITS.bodyBytes },
);
