import { notFound } from '#domain/errors';
import { parseOrThrow } from '#schemas/parse';
import { CreateWebhookRequestSchema, ListDeliveriesQuerySchema, UpdateWebhookRequestSchema } from '#schemas/webhooks';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  redeliverEvent,
  rotateWebhookSecret,
  updateWebhook,
} from '#use-cases/manage-webhooks';
import {
  apiHandler,
  created,
  json,
  jsonBody,
  pathParameter,
  type ApiRequest,
  type ApiResult,
} from './http/api-handler.ts';
import { webhookAdminDeps as deps } from './composition/webhooks.ts';

const BASE = '/api/v1/webhooks';
const body = { noun: 'field' } as const;

/** The webhook endpoints API: one function serves its routes (docs/webhooks.md). */
const routes: Record<string, (request: ApiRequest) => Promise<ApiResult>> = {
  [`POST ${BASE}`]: async ({ event, caller }) => {
    const webhook = await createWebhook(
      deps,
      caller.accountId,
      parseOrThrow(CreateWebhookRequestSchema, jsonBody(event), body),
    );
    return created(`${BASE}/${encodeURIComponent(webhook.id)}`, webhook);
  },
  [`GET ${BASE}`]: async ({ caller }) => json(200, await listWebhooks(deps, caller.accountId)),
  [`GET ${BASE}/{webhookId}`]: async ({ event, caller }) =>
    json(200, await getWebhook(deps, caller.accountId, pathParameter(event, 'webhookId'))),
  [`PATCH ${BASE}/{webhookId}`]: async ({ event, caller }) =>
    json(
      200,
      await updateWebhook(
        deps,
        caller.accountId,
        pathParameter(event, 'webhookId'),
        parseOrThrow(UpdateWebhookRequestSchema, jsonBody(event), body),
      ),
    ),
  [`DELETE ${BASE}/{webhookId}`]: async ({ event, caller }) => {
    await deleteWebhook(deps, caller.accountId, pathParameter(event, 'webhookId'));
    return { statusCode: 204 };
  },
  [`POST ${BASE}/{webhookId}/rotate-secret`]: async ({ event, caller }) =>
    json(200, await rotateWebhookSecret(deps, caller.accountId, pathParameter(event, 'webhookId'))),
  [`GET ${BASE}/{webhookId}/deliveries`]: async ({ event, caller }) =>
    json(
      200,
      await listDeliveries(
        deps,
        caller.accountId,
        pathParameter(event, 'webhookId'),
        parseOrThrow(ListDeliveriesQuerySchema, event.queryStringParameters ?? {}, {
          noun: 'query parameter',
          fieldCodes: { cursor: 'invalid_cursor' },
        }),
      ),
    ),
  [`POST ${BASE}/{webhookId}/events/{eventId}/redeliver`]: async ({ event, caller }) =>
    json(
      202,
      await redeliverEvent(deps, caller.accountId, pathParameter(event, 'webhookId'), pathParameter(event, 'eventId')),
    ),
};

export const WEBHOOK_ROUTE_KEYS = Object.keys(routes);

export const handler = apiHandler(async (request) => {
  const route = routes[request.event.routeKey];
  if (!route) throw notFound('route_not_found', `No route ${request.event.routeKey}.`);
  return route(request);
});
