import { DEFAULT_WATCHDOG_GRACE_SECONDS } from '#domain/call-lifecycle';
import { CREATE_CALL_FIELD_CODES } from '#schemas/call-request-fields';
import { UpdateCallRequestSchema } from '#schemas/update-call-request';
import { parseOrThrow } from '#schemas/parse';
import { updateCall } from '#use-cases/update-call';
import { apiHandler, json, jsonBody, pathParameter } from './http/api-handler.ts';
import { loggedFailure } from './batch-failures.ts';
import { logger } from './logger.ts';
import { calls } from './composition/table.ts';
import { dispatchDeps } from './composition/dispatch.ts';

const onDispatchFailed = (callId: string, error: unknown) =>
  logger.error('A moved call could not be dispatched for its new time; the reconciler will dispatch it', {
    callId,
    ...loggedFailure(error),
  });

/** PATCH /api/v1/outbound-calls/{callId}: change a scheduled call (docs/api.md#change-a-scheduled-call). */
export const handler = apiHandler(async ({ event, caller }) => {
  const request = parseOrThrow(UpdateCallRequestSchema, jsonBody(event), {
    noun: 'field',
    fieldCodes: CREATE_CALL_FIELD_CODES,
  });
  return json(
    200,
    await updateCall(
      { calls, ...dispatchDeps, limits: { watchdogGraceSeconds: DEFAULT_WATCHDOG_GRACE_SECONDS }, onDispatchFailed },
      caller.accountId,
      pathParameter(event, 'callId'),
      request,
    ),
  );
});
