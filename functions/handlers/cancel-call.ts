import { cancelCall } from '#use-cases/cancel-call';
import { apiHandler, json, pathParameter } from './http/api-handler.ts';
import { calls, clock } from './api-dependencies.ts';

/** POST /api/v1/outbound-calls/{callId}/cancel */
export const handler = apiHandler(async ({ event, caller }) => {
  return json(200, await cancelCall({ calls, clock }, caller.accountId, pathParameter(event, 'callId')));
});
