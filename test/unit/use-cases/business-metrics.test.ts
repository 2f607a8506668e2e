import { describe, expect, it } from 'vitest';
import { startDial } from '#domain/call-lifecycle';
import type { StoredCall } from '#schemas/call';
import type { CreateCallRequest } from '#schemas/create-call-request';
import { applyCallEvent } from '#use-cases/apply-call-event';
import { cancelCall } from '#use-cases/cancel-call';
import { createCall } from '#use-cases/create-call';
import { dialCall } from '#use-cases/dial-call';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { reconcile } from '#use-cases/reconcile';
import { aCall } from '../../support/calls.ts';
import { LIMITS, fakeCallWorld } from '../../support/fakes/call-world.ts';
import { FakeDirectory } from '../../support/fakes/directory.ts';

const AGENT = 'agt_01HXK8Z3MNPQRS';

function createWorld() {
  const world = fakeCallWorld();
  const directory = new FakeDirectory();
  directory.addAgent('acc_demo', AGENT, ['+14155550123']);
  const deps = { ...world.deps, directory, onDispatchFailed: () => {} };
  const create = (request: Partial<CreateCallRequest> = {}, idempotencyKey?: string) => {
    const body = { agentId: AGENT, toNumber: '+14155550199', ...request };
    return createCall(deps, {
      caller: { accountId: 'acc_demo', keyMode: 'test', keyId: 'key_1' },
      request: body,
      rawRequest: body,
      idempotencyKey,
    });
  };
  return { ...world, create };
}

describe('business metrics recorded by the use cases', () => {
  it('create counts each new call by how it is dispatched, and not an idempotent replay', async () => {
    const { metrics, clock, create } = createWorld();
    await create({}, 'key-1');
    await create({}, 'key-1');
    await create({ scheduledFor: new Date(clock.now().getTime() + 3_600_000).toISOString() });
    expect(metrics.count('CallsCreated')).toBe(2);
    expect(metrics.count('CallsCreated', { Dispatch: 'immediate' })).toBe(1);
    expect(metrics.count('CallsCreated', { Dispatch: 'scheduled' })).toBe(1);
  });

  it('the dialer counts one attempt per gate won and how late after its due time it dialed, in milliseconds', async () => {
    const world = fakeCallWorld();
    const call = aCall({ scheduledFor: new Date(world.clock.now().getTime() + 30_000) }, world.clock.now());
    await world.table.create(call);
    world.clock.advance(32.5);
    const message = dialMessageFor(call);
    await Promise.all([dialCall(world.deps, message), dialCall(world.deps, message)]);
    expect(world.metrics.count('DialAttempts')).toBe(1);
    expect(world.metrics.count('DialAttempts', { KeyMode: 'test' })).toBe(1);
    expect(world.metrics.of('DispatchLag')).toEqual([
      { name: 'DispatchLag', unit: 'Milliseconds', value: 2500, dimensionSets: [] },
    ]);
  });

  it('a call that waits for a slot is not a dial attempt', async () => {
    const world = fakeCallWorld({ slotLimit: 0 });
    const call = aCall({}, world.clock.now());
    await world.table.create(call);
    expect(await dialCall(world.deps, dialMessageFor(call))).toMatchObject({ result: 'later' });
    expect(world.metrics.points).toEqual([]);
  });

  it('a final status is counted once, by status and by status and end reason; a retry is not an outcome', async () => {
    const world = fakeCallWorld();
    const queued = aCall({ maxRetries: 1 }, world.clock.now());
    await world.table.create(queued);
    await world.table.update(startDial(queued, world.clock.now(), 'conv_1', LIMITS) as StoredCall, queued);
    const report = (attempt: number, event: Parameters<typeof applyCallEvent>[1]['event']) =>
      applyCallEvent(world.deps, { callId: queued.id, attempt, event });
    await report(1, { kind: 'no_answer', at: world.clock.now() });
    expect(world.metrics.of('CallOutcomes')).toEqual([]);

    const retried = (await world.table.getById(queued.id)) as StoredCall;
    world.clock.advance(15 * 60);
    await dialCall(world.deps, dialMessageFor(retried));
    await report(2, { kind: 'busy', at: world.clock.now() });
    await report(2, { kind: 'busy', at: world.clock.now() });
    expect(world.metrics.count('CallOutcomes')).toBe(1);
    expect(world.metrics.count('CallOutcomes', { Status: 'busy' })).toBe(1);
    expect(world.metrics.count('CallOutcomes', { Status: 'busy', EndReason: 'busy' })).toBe(1);
  });

  it('cancel counts a cancelled outcome', async () => {
    const world = fakeCallWorld();
    const call = aCall({ scheduledFor: new Date(world.clock.now().getTime() + 3_600_000) }, world.clock.now());
    await world.table.create(call);
    await cancelCall(world.deps, 'acc_demo', call.id);
    expect(world.metrics.count('CallOutcomes', { Status: 'cancelled' })).toBe(1);
  });

  it('the reconciler counts a call it gives up on as failed', async () => {
    const world = fakeCallWorld();
    const queued = aCall({}, world.clock.now());
    await world.table.create(queued);
    await world.table.update(startDial(queued, world.clock.now(), 'conv_1', LIMITS) as StoredCall, queued);
    world.clock.advance(LIMITS.maxCallDurationSeconds + LIMITS.ringTimeoutSeconds + 5 * LIMITS.watchdogGraceSeconds);
    await reconcile(world.deps);
    expect(world.metrics.count('CallOutcomes', { Status: 'failed', EndReason: 'dial_timeout' })).toBe(1);
  });
});
