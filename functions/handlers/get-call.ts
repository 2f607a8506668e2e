import { toPublicCall } from '#domain/call';
import { getCall } from '#use-cases/get-call';
import { apiHandler, json, pathParameter } from './http/api-handler.ts';
import { calls } from './composition/table.ts';

/** GET /api/v1/outbound-calls/{callId} */
export const handler = apiHandler(async ({ event, caller }) => {
  const call = await getCall({ calls }, caller.accountId, pathParameter(event, 'callId'));
  return json(200, toPublicCall(call));
});
