import { describe, expect, it } from 'vitest';
import { startDial } from '#domain/call-lifecycle';
import type { StoredCall } from '#schemas/call';
import { reconcile } from '#use-cases/reconcile';
import { aCall } from '../../support/calls.ts';
import { LIMITS, fakeCallWorld } from '../../support/fakes/call-world.ts';

/** Stores a call and dials it (initiating, a slot taken), optionally with the provider's call id. */
async function dial(world: ReturnType<typeof fakeCallWorld>, providerCallId: string | null): Promise<StoredCall> {
  const queued = aCall({}, world.clock.now());
  await world.table.create(queued);
  const started = startDial(queued, world.clock.now(), 'conv_1', LIMITS) as StoredCall;
  return world.table.update({ ...started, providerCallId }, queued);
}

describe('reconcile', () => {
  it('dispatches again a pending call whose message was lost, and looks at it again a grace period later', async () => {
    const world = fakeCallWorld();
    const call = aCall({}, world.clock.now());
    await world.table.create(call);
    world.clock.advance(LIMITS.watchdogGraceSeconds + 1);
    const report = await reconcile(world.deps);
    expect(report.redispatched).toBe(1);
    expect(world.queue.sent.map((s) => s.message.callId)).toEqual([call.id]);
    expect(Date.parse((await world.table.getById(call.id))?.watchdogAt ?? '')).toBeGreaterThan(
      world.clock.now().getTime(),
    );
  });

  it('applies the provider’s final word on a call whose end was never reported, freeing its slot', async () => {
    const world = fakeCallWorld();
    const call = await dial(world, 'CA1');
    world.provider.outcomes.set('CA1', { kind: 'busy', at: world.clock.now() });
    world.clock.advance(LIMITS.watchdogGraceSeconds + 1);
    expect(await reconcile(world.deps)).toMatchObject({ resolvedByProvider: 1 });
    expect(await world.table.getById(call.id)).toMatchObject({ status: 'busy' });
    expect(world.table.activeCalls('acc_demo')).toBe(0);
  });

  it('never gives up on a call the provider may still report on, and fails it with dial_timeout after that', async () => {
    const world = fakeCallWorld();
    const call = await dial(world, 'CA1');
    world.clock.advance(LIMITS.watchdogGraceSeconds + 1);
    expect(await reconcile(world.deps)).toMatchObject({ stillRunning: 1, markedLost: 0 });
    world.clock.advance(LIMITS.ringTimeoutSeconds + 2 * LIMITS.watchdogGraceSeconds);
    expect(await reconcile(world.deps)).toMatchObject({ markedLost: 1 });
    expect(await world.table.getById(call.id)).toMatchObject({ status: 'failed', endReason: 'dial_timeout' });
    expect(world.table.activeCalls('acc_demo')).toBe(0);
  });

  it('reports a call it cannot settle, looks at it later, and settles the others', async () => {
    const world = fakeCallWorld();
    const broken = await dial(world, 'CA_broken');
    const fine = await dial(world, 'CA_fine');
    world.provider.outcomes.set('CA_broken', new Error('HTTP 401'));
    world.provider.outcomes.set('CA_fine', { kind: 'no_answer', at: world.clock.now() });
    world.clock.advance(LIMITS.watchdogGraceSeconds + 1);
    expect(await reconcile(world.deps)).toMatchObject({ failed: 1, resolvedByProvider: 1 });
    expect(world.errors.map((e) => e.callId)).toEqual([broken.id]);
    expect((await world.table.getById(fine.id))?.status).toBe('no_answer');
    expect(Date.parse((await world.table.getById(broken.id))?.watchdogAt ?? '')).toBeGreaterThan(
      world.clock.now().getTime(),
    );
  });

  it('repairs a slot counter that drifted from the calls holding slots, once the account is quiet', async () => {
    const world = fakeCallWorld();
    await dial(world, 'CA1');
    world.provider.outcomes.set('CA1', 'ongoing');
    world.table.setActiveCalls('acc_demo', 3);
    expect(await reconcile(world.deps)).toMatchObject({ slotCountersRepaired: 0 });
    world.clock.advance(LIMITS.watchdogGraceSeconds + 1);
    expect(await reconcile(world.deps)).toMatchObject({ slotCountersRepaired: 1 });
    expect(world.table.activeCalls('acc_demo')).toBe(1);
  });

  it('leaves the calls it has no time for to the next run', async () => {
    const world = fakeCallWorld();
    await world.table.create(aCall({}, world.clock.now()));
    world.clock.advance(LIMITS.watchdogGraceSeconds + 1);
    const report = await reconcile({ ...world.deps, deadline: world.clock.now() });
    expect(report).toMatchObject({ deferred: 1, redispatched: 0 });
    expect(world.queue.sent).toHaveLength(0);
  });
});
