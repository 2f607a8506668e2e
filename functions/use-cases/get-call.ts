import { CALL_ID_PATTERN } from '#domain/ids';
import { notFound } from '#domain/errors';
import type { StoredCall } from '#schemas/call';
import type { CallRepository } from '#ports/call-repository';

/** The caller's call, or 404: another account's call is reported exactly like a missing one. */
export async function getCall(deps: { calls: CallRepository }, accountId: string, callId: string): Promise<StoredCall> {
  const call = CALL_ID_PATTERN.test(callId) ? await deps.calls.get(accountId, callId) : null;
  if (!call) throw notFound('call_not_found', `No outbound call ${callId.slice(0, 64)} exists.`, 'callId');
  return call;
}
