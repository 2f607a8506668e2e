import { newCall, newCallId, type NewCall } from '#domain/call';
import type { StoredCall } from '#schemas/call';

/** A new call as the create use case would build it, with test defaults for whatever is not given. */
export function aCall(overrides: Partial<NewCall> = {}, at = new Date()): StoredCall {
  return newCall(
    {
      id: newCallId(at),
      accountId: 'acc_demo',
      keyMode: 'test',
      agentId: 'agt_01HXK8Z3MNPQRS',
      fromNumber: '+14155550123',
      toNumber: '+14155550199',
      scheduledFor: null,
      metadata: {},
      maxRetries: 0,
      retryDelayMinutes: 15,
      overrideFirstMessage: null,
      ...overrides,
    },
    at,
  );
}
