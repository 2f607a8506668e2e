import { notFound } from '#domain/errors';
import { parseOrThrow } from '#schemas/parse';
import { CreateSuppressionRequestSchema } from '#schemas/suppression-request';
import { ListSuppressionsQuerySchema, SUPPRESSION_FIELD_CODES } from '#schemas/suppressions';
import { addSuppression, listSuppressions, removeSuppression } from '#use-cases/manage-suppressions';
import {
  apiHandler,
  created,
  json,
  jsonBody,
  pathParameter,
  type ApiRequest,
  type ApiResult,
} from './http/api-handler.ts';
import { clock, suppressions } from './composition/table.ts';

const BASE = '/api/v1/suppressions';
const deps = { suppressions, clock };

/** The suppression list API: one function serves its routes (docs/api.md "Suppression list"). */
const routes: Record<string, (request: ApiRequest) => Promise<ApiResult>> = {
  [`POST ${BASE}`]: async ({ event, caller }) => {
    const request = parseOrThrow(CreateSuppressionRequestSchema, jsonBody(event), {
      noun: 'field',
      fieldCodes: SUPPRESSION_FIELD_CODES,
    });
    const { suppression, created: isNew } = await addSuppression(deps, caller.accountId, request);
    return isNew
      ? created(`${BASE}/${encodeURIComponent(suppression.phoneNumber)}`, suppression)
      : json(200, suppression);
  },
  [`GET ${BASE}`]: async ({ event, caller }) =>
    json(
      200,
      await listSuppressions(
        deps,
        caller.accountId,
        parseOrThrow(ListSuppressionsQuerySchema, event.queryStringParameters ?? {}, { noun: 'query parameter' }),
      ),
    ),
  [`DELETE ${BASE}/{phoneNumber}`]: async ({ event, caller }) => {
    await removeSuppression(deps, caller.accountId, pathParameter(event, 'phoneNumber'));
    return { statusCode: 204 };
  },
};

export const handler = apiHandler(async (request) => {
  const route = routes[request.event.routeKey];
  if (!route) throw notFound('route_not_found', `No route ${request.event.routeKey}.`);
  return route(request);
});
