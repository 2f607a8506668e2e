import { describe, expect, it } from 'vitest';
import { startDial } from '#domain/call-lifecycle';
import { ConcurrentModificationError } from '#domain/errors';
import type { StoredCall } from '#schemas/call';
import { applyCallEvent } from '#use-cases/apply-call-event';
import { aCall } from '../../support/calls.ts';
import { LIMITS, fakeCallWorld } from '../../support/fakes/call-world.ts';

/** A world with a call that has just been dialed (initiating, holding a slot). */
async function dialedCall(overrides: { maxRetries?: number } = {}) {
  const world = fakeCallWorld();
  const queued = aCall(overrides, world.clock.now());
  await world.table.create(queued);
  const call = await world.table.update(startDial(queued, world.clock.now(), 'conv_1', LIMITS) as StoredCall, queued);
  world.clock.advance(5);
  return { ...world, call };
}

describe('applyCallEvent', () => {
  it('moves the call through the state machine: ringing, answered, ended; the slot is given back at the end', async () => {
    const { deps, table, clock, call } = await dialedCall();
    const report = (event: Parameters<typeof applyCallEvent>[1]['event']) =>
      applyCallEvent(deps, { callId: call.id, attempt: 1, event });
    expect(await report({ kind: 'ringing', at: clock.now() })).toBe('applied');
    expect(await report({ kind: 'answered', at: clock.now() })).toBe('applied');
    expect(table.activeCalls('acc_demo')).toBe(1);
    clock.advance(30);
    expect(await report({ kind: 'completed', at: clock.now() })).toBe('applied');
    expect(await table.getById(call.id)).toMatchObject({
      status: 'completed',
      endReason: 'customer_ended',
      durationSeconds: 30,
      conversationId: 'conv_1',
    });
    expect(table.activeCalls('acc_demo')).toBe(0);
  });

  it('ignores duplicates, out-of-order reports and reports about another attempt, writing nothing', async () => {
    const { deps, table, clock, call } = await dialedCall();
    await applyCallEvent(deps, { callId: call.id, attempt: 1, event: { kind: 'answered', at: clock.now() } });
    const answered = await table.getById(call.id);
    expect(
      await applyCallEvent(deps, { callId: call.id, attempt: 1, event: { kind: 'ringing', at: clock.now() } }),
    ).toBe('ignored');
    expect(await applyCallEvent(deps, { callId: call.id, attempt: 2, event: { kind: 'busy', at: clock.now() } })).toBe(
      'ignored',
    );
    expect(await applyCallEvent(deps, { callId: 'obc_unknown', attempt: 1, event: null })).toBe('ignored');
    expect(await table.getById(call.id)).toEqual(answered);
  });

  it('schedules a retry after no answer while retries remain, and dispatches the next attempt', async () => {
    const { deps, table, clock, scheduler, queue, call } = await dialedCall({ maxRetries: 1 });
    expect(
      await applyCallEvent(deps, { callId: call.id, attempt: 1, event: { kind: 'no_answer', at: clock.now() } }),
    ).toBe('applied');
    const retried = await table.getById(call.id);
    expect(retried).toMatchObject({ status: 'scheduled', retryCount: 1 });
    expect(table.activeCalls('acc_demo')).toBe(0);
    const sent = [...scheduler.scheduled.map((s) => s.message), ...queue.sent.map((s) => s.message)];
    expect(sent).toEqual([expect.objectContaining({ callId: call.id, attempt: 2 })]);
  });

  it('keeps the provider call id the dialer learned, once', async () => {
    const { deps, table, call } = await dialedCall();
    expect(await applyCallEvent(deps, { callId: call.id, attempt: 1, event: null, providerCallId: 'CA1' })).toBe(
      'applied',
    );
    expect(await applyCallEvent(deps, { callId: call.id, attempt: 1, event: null, providerCallId: 'CA2' })).toBe(
      'ignored',
    );
    expect((await table.getById(call.id))?.providerCallId).toBe('CA1');
  });

  it('says "late" for a final report about an attempt the reconciler already gave up on', async () => {
    const { deps, table, clock, call } = await dialedCall();
    await table.update({ ...call, status: 'failed', endReason: 'dial_timeout', watchdogAt: null }, call);
    expect(await applyCallEvent(deps, { callId: call.id, attempt: 1, event: { kind: 'busy', at: clock.now() } })).toBe(
      'late',
    );
  });

  it('judges again against the winner after losing a write race, and rethrows once every try lost', async () => {
    const { deps, table, clock, call } = await dialedCall();
    const update = table.update.bind(table);
    let races = 1;
    table.update = async (next, previous) => {
      if (races-- > 0) {
        // Someone else answers the call first.
        await update({ ...previous, status: 'ringing' }, previous);
        throw new ConcurrentModificationError('Call', next.id);
      }
      return update(next, previous);
    };
    expect(
      await applyCallEvent(deps, { callId: call.id, attempt: 1, event: { kind: 'answered', at: clock.now() } }),
    ).toBe('applied');
    expect((await table.getById(call.id))?.status).toBe('in_progress');

    table.update = async (next) => {
      throw new ConcurrentModificationError('Call', next.id);
    };
    await expect(
      applyCallEvent(deps, { callId: call.id, attempt: 1, event: { kind: 'completed', at: clock.now() } }),
    ).rejects.toBeInstanceOf(ConcurrentModificationError);
  });
});
