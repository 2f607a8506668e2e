import { isCampaignContactKey } from '#domain/campaign';
import { invalidRequest } from '#domain/errors';
import { CREATE_CALL_FIELD_CODES, CreateCallRequestSchema } from '#schemas/create-call-request';
import { CreateCallEnvSchema, parseEnv } from '#schemas/env';
import { parseOrThrow } from '#schemas/parse';
import { createCall } from '#use-cases/create-call';
import { apiHandler, created, header, jsonBody } from './http/api-handler.ts';
import { loggedFailure } from './batch-failures.ts';
import { logger } from './logger.ts';
import { LibphonenumberZones } from '#adapters/phone-zones/libphonenumber-zones';
import { calls, directory } from './composition/table.ts';
import { dispatchDeps } from './composition/dispatch.ts';
import { metrics } from './composition/observability.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Test keys' calls go to the carrier simulator; a deployment without one does not set its URL. */
const testCallsPlaceable = parseEnv(CreateCallEnvSchema, process.env).SIMULATOR_API_BASE_URL !== undefined;

/** Its data is read on the first request with a callee's calling window, not at cold start. */
const phoneZones = new LibphonenumberZones();

const onDispatchFailed = (callId: string, error: unknown) =>
  logger.error('A created call could not be dispatched; the reconciler will dispatch it', {
    callId,
    ...loggedFailure(error),
  });

/** POST /api/v1/outbound-calls */
export const handler = apiHandler(async ({ event, caller }) => {
  const rawRequest = jsonBody(event);
  const request = parseOrThrow(CreateCallRequestSchema, rawRequest, {
    noun: 'field',
    fieldCodes: CREATE_CALL_FIELD_CODES,
  });
  const idempotencyKey = header(event, 'Idempotency-Key');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw invalidRequest(
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.',
      'Idempotency-Key',
    );
  }
  if (idempotencyKey !== undefined && isCampaignContactKey(idempotencyKey)) {
    throw invalidRequest(
      'invalid_idempotency_key',
      'Idempotency-Key of the form <campaignId>#<number> is reserved for the calls of a campaign; use another key.',
      'Idempotency-Key',
    );
  }
  const result = await createCall(
    { calls, directory, phoneZones, ...dispatchDeps, metrics, onDispatchFailed, testCallsPlaceable },
    { caller, request, rawRequest, idempotencyKey },
  );
  return created(
    `/api/v1/outbound-calls/${encodeURIComponent(result.call.id)}`,
    result.call,
    result.replayed ? { 'idempotent-replayed': 'true' } : {},
  );
});
