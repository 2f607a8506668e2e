import { cancelCall } from '#use-cases/cancel-call';
import { apiHandler, json, pathParameter } from './http/api-handler.ts';
import { loggedFailure } from './batch-failures.ts';
import { logger } from './logger.ts';
import { calls, clock } from './composition/table.ts';
import { scheduler } from './composition/dispatch.ts';
import { metrics } from './composition/observability.ts';

const onScheduleLeftBehind = (callId: string, error: unknown) =>
  logger.warn('Could not delete the schedule of a cancelled call; its message will be dropped', {
    callId,
    ...loggedFailure(error),
  });

/** POST /api/v1/outbound-calls/{callId}/cancel */
export const handler = apiHandler(async ({ event, caller }) => {
  return json(
    200,
    await cancelCall(
      { calls, clock, scheduler, metrics, onScheduleLeftBehind },
      caller.accountId,
      pathParameter(event, 'callId'),
    ),
  );
});
