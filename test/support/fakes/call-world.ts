import type { CallTimingLimits } from '#domain/call-lifecycle';
import type { DialDeps } from '#use-cases/dial-call';
import type { ReconcileDeps } from '#use-cases/reconcile';
import { LibphonenumberZones } from '#adapters/phone-zones/libphonenumber-zones';
import { InMemoryCallTable } from './call-table.ts';
import { InMemorySuppressionStore } from './suppressions.ts';
import { FakeClock } from './clock.ts';
import { FakeCallScheduler, FakeDialQueue } from './dispatch.ts';
import { FakeTelephonyProvider, FakeRateLimiter } from './telephony.ts';
import { InMemoryMetrics } from './metrics.ts';

/** Production-like call timings: a 30-second ring, 10-minute calls, minutes of 60 seconds, 2 minutes of grace. */
export const LIMITS: CallTimingLimits = {
  ringTimeoutSeconds: 30,
  maxCallDurationSeconds: 600,
  retryDelayUnitSeconds: 60,
  watchdogGraceSeconds: 120,
};

/**
 * Every fake a call use case needs, wired as the composition roots wire the real adapters:
 * `deps` fits dialCall, applyCallEvent, answerCall, cancelCall, createCall (with a directory) and
 * reconcile. The account `acc_demo` (the default of aCall) has `slotLimit` slots.
 */
export function fakeCallWorld(options: { slotLimit?: number; at?: Date } = {}) {
  const clock = new FakeClock(options.at);
  const table = new InMemoryCallTable(clock).addAccount('acc_demo', options.slotLimit ?? 10);
  const queue = new FakeDialQueue();
  const scheduler = new FakeCallScheduler();
  const provider = new FakeTelephonyProvider();
  const rateLimiter = new FakeRateLimiter();
  const suppressions = new InMemorySuppressionStore();
  table.suppressed = (accountId, phoneNumber) => suppressions.has(accountId, phoneNumber);
  const metrics = new InMemoryMetrics();
  const slept: number[] = [];
  const errors: Array<{ callId: string; error: unknown }> = [];
  let conversations = 0;
  let waitTokens = 0;
  const deps: DialDeps & ReconcileDeps & { phoneZones: LibphonenumberZones; suppressions: InMemorySuppressionStore } = {
    calls: table,
    suppressions,
    phoneZones: new LibphonenumberZones(),
    metrics,
    slotCounters: table,
    reconcilerQueries: table,
    queue,
    scheduler,
    clock,
    limits: LIMITS,
    providers: { live: provider, test: provider },
    rateLimiter,
    newConversationId: () => `conv_${++conversations}`,
    newWaitToken: () => `wait_${++waitTokens}`,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms / 1000);
    },
    onCallError: (callId, error) => errors.push({ callId, error }),
    deadline: new Date('2100-01-01T00:00:00Z'),
  };
  return { clock, table, queue, scheduler, provider, rateLimiter, suppressions, metrics, slept, errors, deps };
}
