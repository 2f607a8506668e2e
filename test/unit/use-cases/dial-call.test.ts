import { describe, expect, it } from 'vitest';
import { ConcurrentModificationError } from '#domain/errors';
import { toTimestamp } from '#domain/time';
import { DialMessageSchema, type DialMessage } from '#schemas/dial-message';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { dialCall, slotBackoffSeconds } from '#use-cases/dial-call';
import type { SendReservation } from '#ports/telephony';
import { aCall } from '../../support/calls.ts';
import { fakeCallWorld } from '../../support/fakes/call-world.ts';

/** A world with a queued call stored, and the message that dials it. */
async function queuedCall(options: { slotLimit?: number } = {}) {
  const world = fakeCallWorld(options);
  const call = aCall({}, world.clock.now());
  await world.table.create(call);
  return { ...world, call, message: dialMessageFor(call) };
}

describe('dialCall', () => {
  it('dials a queued call once: initiating, a slot taken, the provider call id kept', async () => {
    const { deps, table, provider, call, message } = await queuedCall();
    const outcome = await dialCall(deps, message);
    expect(outcome).toMatchObject({ result: 'dialed' });
    expect(provider.dialsOf(call.id, 1)).toBe(1);
    const stored = await table.getById(call.id);
    expect(stored).toMatchObject({ status: 'initiating', pendingConversationId: 'conv_1' });
    expect(stored?.providerCallId).toBe(outcome.result === 'dialed' ? outcome.providerCallId : null);
    expect(table.activeCalls('acc_demo')).toBe(1);
  });

  it('never dials an attempt twice however often its message arrives', async () => {
    const { deps, provider, call, message } = await queuedCall();
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => dialCall(deps, message)));
    expect(provider.dialsOf(call.id, 1)).toBe(1);
    expect(outcomes.filter((outcome) => outcome.result === 'dialed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.result === 'dropped')).toHaveLength(3);
  });

  it('drops a message for an earlier attempt, for another account, or for a call that is gone', async () => {
    const { deps, provider, call, message } = await queuedCall();
    expect(await dialCall(deps, { ...message, attempt: 2 })).toMatchObject({ result: 'dropped' });
    expect(await dialCall(deps, { ...message, accountId: 'acc_other' })).toMatchObject({ result: 'dropped' });
    expect(await dialCall(deps, { ...message, callId: 'obc_missing' })).toMatchObject({ result: 'dropped' });
    expect(provider.dialsOf(call.id, 1)).toBe(0);
  });

  it('drops the message of a call cancelled before it was dialed', async () => {
    const { deps, table, provider, call, message } = await queuedCall();
    await table.update({ ...call, status: 'cancelled', watchdogAt: null }, call);
    expect(await dialCall(deps, message)).toEqual({ result: 'dropped', reason: 'call is cancelled' });
    expect(provider.placed).toHaveLength(0);
  });

  it('puts a message that is not due yet back on the queue until it is', async () => {
    const { deps, clock, provider, message } = await queuedCall();
    const early = { ...message, dueAt: toTimestamp(new Date(clock.now().getTime() + 300_000)) };
    expect(await dialCall(deps, early)).toMatchObject({ result: 'later', delaySeconds: 300, message: early });
    expect(provider.placed).toHaveLength(0);
  });

  it('fires a schedule first: a scheduled call due now is dialed', async () => {
    const world = fakeCallWorld();
    const call = aCall({ scheduledFor: new Date(world.clock.now().getTime() + 60_000) }, world.clock.now());
    await world.table.create(call);
    world.clock.advance(60);
    expect(await dialCall(world.deps, dialMessageFor(call))).toMatchObject({ result: 'dialed' });
  });

  it('keeps a call queued without a free slot, backs off, counts the wait and moves its watchdog past it', async () => {
    const { deps, table, provider, rateLimiter, call, message } = await queuedCall({ slotLimit: 0 });
    const outcome = await dialCall(deps, { ...message, waits: 2 });
    expect(outcome).toMatchObject({ result: 'later', delaySeconds: slotBackoffSeconds(2), message: { waits: 3 } });
    expect(provider.placed).toHaveLength(0);
    // A call that cannot dial spends none of the provider's calls-per-second budget.
    expect(rateLimiter.reservations).toHaveLength(0);
    const stored = await table.getById(call.id);
    expect(stored?.status).toBe('queued');
    expect(Date.parse(stored?.watchdogAt ?? '')).toBeGreaterThan(Date.parse(call.watchdogAt ?? ''));
  });

  it('looks again in a second, rather than failing its message, when it cannot mark the account waiting', async () => {
    const { deps, table, call, message } = await queuedCall({ slotLimit: 0 });
    const failingMark = {
      ...deps,
      slotCounters: Object.assign(Object.create(deps.slotCounters), {
        markWaiting: async () => {
          throw new Error('ProvisionedThroughputExceededException');
        },
      }),
    };
    const outcome = await dialCall(failingMark, { ...message, waits: 2 });
    // Its message carries the token the watchdog now holds, so the call stays live.
    const stored = await table.getById(call.id);
    expect(outcome).toMatchObject({ result: 'later', delaySeconds: 1, message: { waits: 3 } });
    expect(outcome.result === 'later' && outcome.message.waitToken).toBe(stored?.slotWaitToken);
  });

  it('holds a place far ahead in the calls-per-second queue on the queue, and dials in it when it returns', async () => {
    const { deps, clock, table, provider, rateLimiter, call, message } = await queuedCall();
    rateLimiter.callsPerSecond = 1;
    await rateLimiter.takeAhead('test', clock.now(), 9);
    const outcome = await dialCall(deps, message);
    expect(outcome).toMatchObject({ result: 'later', delaySeconds: 7, message: { waits: 0 } });
    expect(provider.placed).toHaveLength(0);
    const held = outcome.result === 'later' ? outcome.message : message;
    expect(Date.parse(held.sendBy ?? '') - Date.parse(held.sendAt ?? '')).toBe(1000);
    // The watchdog waits for the held place, not for the first due time.
    expect(Date.parse((await table.getById(call.id))?.watchdogAt ?? '')).toBeGreaterThan(Date.parse(held.sendBy ?? ''));

    clock.advance(7.5);
    expect(await dialCall(deps, held)).toMatchObject({ result: 'dialed' });
    // No second place was taken: the held one was used, and the call was stamped inside it.
    expect(rateLimiter.reservations).toHaveLength(1);
    const initiatedAt = Date.parse((await table.getById(call.id))?.initiatedAt ?? '');
    expect(initiatedAt).toBeGreaterThanOrEqual(Date.parse(held.sendAt ?? ''));
    expect(initiatedAt).toBeLessThan(Date.parse(held.sendBy ?? ''));
  });

  it('gives up a place the dialer woke too late for, and never dials outside a place', async () => {
    const { deps, clock, table, rateLimiter, call, message } = await queuedCall();
    rateLimiter.callsPerSecond = 1;
    await rateLimiter.takeAhead('test', clock.now(), 1);
    // The machine is slow: every sleep oversleeps by 1.2 s.
    deps.sleep = async (ms) => clock.advance(ms / 1000 + 1.2);
    expect(await dialCall(deps, message)).toMatchObject({ result: 'dialed' });
    // Its first place (the second second) passed while it slept; it took the next one and used it.
    const [missed, used] = rateLimiter.reservations as unknown as [SendReservation, SendReservation];
    expect(rateLimiter.reservations).toHaveLength(2);
    const initiatedAt = Date.parse((await table.getById(call.id))?.initiatedAt ?? '');
    expect(initiatedAt).toBeGreaterThanOrEqual(missed.sendBy.getTime());
    expect(initiatedAt).toBeGreaterThanOrEqual(used.sendAt.getTime());
    expect(initiatedAt).toBeLessThan(used.sendBy.getTime());
  });

  it('never stamps a call before its place opens, even when a timer fires early', async () => {
    const { deps, clock, table, rateLimiter, call, message } = await queuedCall();
    rateLimiter.callsPerSecond = 1;
    await rateLimiter.takeAhead('test', clock.now(), 1);
    // Node's timers may wake a millisecond before Date.now() reaches the time asked for.
    const woken: number[] = [];
    deps.sleep = async (ms) => {
      woken.push(ms);
      clock.advance((woken.length === 1 ? ms - 1 : ms) / 1000);
    };
    expect(await dialCall(deps, message)).toMatchObject({ result: 'dialed' });
    const [place] = rateLimiter.reservations as unknown as [SendReservation];
    const initiatedAt = Date.parse((await table.getById(call.id))?.initiatedAt ?? '');
    expect(woken.length).toBeGreaterThan(1);
    expect(initiatedAt).toBeGreaterThanOrEqual(place.sendAt.getTime());
    expect(initiatedAt).toBeLessThan(place.sendBy.getTime());
  });

  it('ignores a held place that has passed or that no limiter would give', async () => {
    const { deps, clock, rateLimiter, message } = await queuedCall();
    const now = clock.now().getTime();
    const forged = { ...message, sendAt: new Date(now).toISOString(), sendBy: new Date(now + 3_600_000).toISOString() };
    expect(await dialCall(deps, forged)).toMatchObject({ result: 'dialed' });
    expect(rateLimiter.reservations).toHaveLength(1);
  });

  it('keeps its place when it loses a write race at the gate', async () => {
    const { deps, table, rateLimiter, message } = await queuedCall();
    let losses = 0;
    const update = table.update.bind(table);
    table.update = async (next, previous) => {
      if (losses++ < 2) throw new ConcurrentModificationError('Call', next.id);
      return update(next, previous);
    };
    expect(await dialCall(deps, message)).toMatchObject({ result: 'dialed' });
    expect(rateLimiter.reservations).toHaveLength(1);
  });

  it('waits for a slot when another call takes the last one between the check and the gate', async () => {
    const { deps, table, provider, call, message } = await queuedCall({ slotLimit: 1 });
    const other = aCall({}, deps.clock.now());
    await table.create(other);
    const reserve = deps.rateLimiter.reserve.bind(deps.rateLimiter);
    deps.rateLimiter.reserve = async (mode, now) => {
      deps.rateLimiter.reserve = reserve;
      await dialCall(deps, dialMessageFor(other));
      return reserve(mode, now);
    };
    expect(await dialCall(deps, message)).toMatchObject({ result: 'later', reason: 'no free telephony slot' });
    expect(provider.dialsOf(call.id, 1)).toBe(0);
    expect(provider.dialsOf(other.id, 1)).toBe(1);
  });

  it('records a call the provider would not place as failed, and gives its slot back', async () => {
    const { deps, table, provider, call, message } = await queuedCall();
    provider.nextResult = () => ({ placed: false, reason: 'invalid_number', detail: 'not a number' });
    expect(await dialCall(deps, message)).toEqual({ result: 'not_placed', reason: 'invalid_number' });
    expect(await table.getById(call.id)).toMatchObject({ status: 'failed', endReason: 'invalid_number' });
    expect(table.activeCalls('acc_demo')).toBe(0);
  });

  it('reads the call again after losing a write race, and gives up loudly if it never stops changing', async () => {
    const { deps, table, provider, message } = await queuedCall();
    let losses = 0;
    const update = table.update.bind(table);
    table.update = async (next, previous) => {
      if (losses++ < 2) throw new ConcurrentModificationError('Call', next.id);
      return update(next, previous);
    };
    expect(await dialCall(deps, message)).toMatchObject({ result: 'dialed' });
    expect(provider.placed).toHaveLength(1);

    const { deps: other, table: otherTable, provider: otherProvider, message: otherMessage } = await queuedCall();
    otherTable.update = async (next) => {
      throw new ConcurrentModificationError('Call', next.id);
    };
    await expect(dialCall(other, otherMessage)).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(otherProvider.placed).toHaveLength(0);
  });
});

describe('dial messages', () => {
  const message: DialMessage = {
    callId: 'obc_1',
    accountId: 'acc_demo',
    attempt: 1,
    dueAt: '2030-01-01T12:00:00Z',
    waits: 0,
  };

  it('still read the old name of the wait count from messages sent before the rename', () => {
    const { waits: _, ...rest } = message;
    expect(DialMessageSchema.parse({ ...rest, slotWaits: 4 })).toEqual({ ...message, waits: 4 });
    expect(DialMessageSchema.parse({ ...message, waits: 2, slotWaits: 9 })).toEqual({ ...message, waits: 2 });
    expect(DialMessageSchema.parse(rest)).toEqual(message);
    expect(DialMessageSchema.safeParse({ ...rest, slotWaits: 'many' }).success).toBe(false);
  });
});
