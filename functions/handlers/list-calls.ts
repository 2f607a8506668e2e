import { ListCallsQuerySchema } from '#schemas/list-calls-query';
import { parseOrThrow } from '#schemas/parse';
import { listCalls } from '#use-cases/list-calls';
import { apiHandler, json } from './http/api-handler.ts';
import { calls, pageStarts } from './composition/table.ts';

/** GET /api/v1/outbound-calls */
export const handler = apiHandler(async ({ event, caller }) => {
  const query = parseOrThrow(ListCallsQuerySchema, event.queryStringParameters ?? {}, { noun: 'query parameter' });
  return json(200, await listCalls({ calls, pageStarts }, caller.accountId, query));
});
