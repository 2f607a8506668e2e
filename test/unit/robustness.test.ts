import { describe, expect, it } from 'vitest';
import { LibphonenumberZones } from '#adapters/phone-zones/libphonenumber-zones';
import type { ProviderEvent } from '#domain/call-lifecycle';
import type { StoredCall } from '#schemas/call';
import type { CallRepository } from '#ports/call-repository';
import type { ReconcilerQueries } from '#ports/reconciler-queries';
import type { SlotCounters } from '#ports/slot-counters';
import { createCall } from '#use-cases/create-call';
import { reconcile } from '#use-cases/reconcile';
import { aCall } from '../support/calls.ts';
import { noMetrics } from '#ports/metrics';

const limits = {
  ringTimeoutSeconds: 30,
  maxCallDurationSeconds: 3600,
  retryDelayUnitSeconds: 60,
  watchdogGraceSeconds: 120,
};
const clock = { now: () => new Date() };

/** A store that keeps calls in a map: enough for the use cases' own logic. */
function memoryStore(calls: StoredCall[]) {
  const byId = new Map(calls.map((call) => [call.id, call]));
  const touched: string[] = [];
  const store = {
    create: async (call: StoredCall) => {
      byId.set(call.id, call);
      return { created: true as const };
    },
    get: async (_account: string, id: string) => byId.get(id) ?? null,
    getById: async (id: string) => byId.get(id) ?? null,
    update: async (next: StoredCall) => {
      byId.set(next.id, next);
      return next;
    },
    touchWatchdog: async (call: StoredCall) => void touched.push(call.id),
    listWatchdogDue: async () => [...byId.values()].filter((call) => call.watchdogAt !== null),
    listUnfinished: async () => [...byId.values()],
    list: async () => ({ calls: [], hasMore: false }),
  } as unknown as CallRepository & ReconcilerQueries;
  const slotCounters: SlotCounters = {
    listAll: async () => [],
    repair: async () => false,
    addWaiter: async () => undefined,
    oldestWaiters: async () => [],
    removeWaiter: async () => undefined,
    markWaiting: async () => ({ freeSlot: false }),
  };
  return { store, slotCounters, byId, touched };
}

describe('a failing dependency never costs a call', () => {
  it('create answers with the stored call when its dispatch fails, and says so, so the client does not retry into a second call', async () => {
    const { store, byId } = memoryStore([]);
    const failures: string[] = [];
    const failing = { send: async () => Promise.reject(new Error('SQS throttled')) };
    const result = await createCall(
      {
        calls: store,
        metrics: noMetrics,
        directory: {
          getAgent: async () => ({
            id: 'agt_1',
            accountId: 'acc_1',
            name: 'A',
            defaultFirstMessage: 'Hi',
            numbers: ['+14155550123'],
            defaultFromNumber: '+14155550123',
            createdAt: '',
          }),
        } as never,
        clock,
        phoneZones: new LibphonenumberZones(),
        queue: failing,
        scheduler: { schedule: failing.send, cancel: failing.send },
        onDispatchFailed: (callId) => failures.push(callId),
      },
      {
        caller: { accountId: 'acc_1', keyMode: 'test', keyId: 'key_1' },
        request: { agentId: 'agt_1', toNumber: '+14155550199' },
        rawRequest: {},
      },
    );
    expect(result.call.status).toBe('queued');
    expect(failures).toEqual([result.call.id]);
    // The call is kept, with a watchdog time: the reconciler dispatches it.
    expect(byId.get(result.call.id)?.watchdogAt).not.toBeNull();
  });

  it('the reconciler settles the other calls when the provider fails on one, and looks at that one again later', async () => {
    const old = new Date(Date.now() - 3_600_000);
    const answering = {
      ...aCall({}, old),
      status: 'ringing' as const,
      providerCallId: 'CA_ok',
      initiatedAt: old.toISOString(),
    };
    const broken = {
      ...aCall({}, old),
      status: 'ringing' as const,
      providerCallId: 'CA_broken',
      initiatedAt: old.toISOString(),
    };
    const { store, slotCounters, byId, touched } = memoryStore([broken, answering]);
    const errors: string[] = [];
    const provider = {
      placeCall: async () => ({ placed: false as const, reason: 'provider_error' as const, detail: '' }),
      fetchOutcome: async (sid: string): Promise<ProviderEvent | null> => {
        if (sid === 'CA_broken') throw new Error('HTTP 401 from Twilio');
        return { kind: 'busy', at: new Date() };
      },
    };
    const report = await reconcile({
      calls: store,
      metrics: noMetrics,
      reconcilerQueries: store,
      slotCounters,
      queue: { send: async () => undefined },
      scheduler: { schedule: async () => undefined, cancel: async () => undefined },
      clock,
      limits,
      providers: { live: provider, test: provider },
      newWaitToken: () => 'wait_1',
      onCallError: (callId) => errors.push(callId),
      deadline: new Date(Date.now() + 60_000),
    });
    expect(report).toMatchObject({ resolvedByProvider: 1, failed: 1 });
    expect(errors).toEqual([broken.id]);
    expect(touched).toContain(broken.id);
    expect(byId.get(answering.id)?.status).toBe('busy');
  });

  it('the reconciler leaves what it has no time for to its next run', async () => {
    const { store, slotCounters } = memoryStore([aCall(), aCall()]);
    const report = await reconcile({
      calls: store,
      metrics: noMetrics,
      reconcilerQueries: store,
      slotCounters,
      queue: { send: async () => undefined },
      scheduler: { schedule: async () => undefined, cancel: async () => undefined },
      clock,
      limits,
      providers: {} as never,
      newWaitToken: () => 'wait_1',
      onCallError: () => undefined,
      deadline: new Date(Date.now() - 1),
    });
    expect(report).toMatchObject({ deferred: 2, redispatched: 0 });
  });
});
