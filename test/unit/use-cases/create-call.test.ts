import { describe, expect, it } from 'vitest';
import { NumberSuppressedError, OutcomeUnknownError } from '#domain/errors';
import { toTimestamp } from '#domain/time';
import type { CreateCallRequest } from '#schemas/create-call-request';
import { createCall, type CreateCallCommand } from '#use-cases/create-call';
import { fakeCallWorld } from '../../support/fakes/call-world.ts';
import { FakeDirectory } from '../../support/fakes/directory.ts';

const AGENT = 'agt_01HXK8Z3MNPQRS';

function world() {
  const base = fakeCallWorld();
  const directory = new FakeDirectory();
  directory.addAgent('acc_demo', AGENT, ['+14155550123', '+14155550124']);
  directory.addAgent('acc_demo', 'agt_nonumber', []);
  directory.addAgent('acc_other', 'agt_other', ['+14155550125']);
  const dispatchFailures: string[] = [];
  const deps = { ...base.deps, directory, onDispatchFailed: (callId: string) => dispatchFailures.push(callId) };
  const command = (request: Partial<CreateCallRequest> = {}, idempotencyKey?: string): CreateCallCommand => {
    const body = { agentId: AGENT, toNumber: '+14155550199', ...request };
    return {
      caller: { accountId: 'acc_demo', keyMode: 'test', keyId: 'key_1' },
      request: body,
      rawRequest: body,
      idempotencyKey,
    };
  };
  return { ...base, directory, deps, dispatchFailures, command };
}

const inMinutes = (now: Date, minutes: number) => toTimestamp(new Date(now.getTime() + minutes * 60_000));

describe('createCall', () => {
  it('stores a call due now as queued, from the agent’s default number, and puts it on the dial queue', async () => {
    const { deps, table, queue, command } = world();
    const { call, replayed } = await createCall(deps, command());
    expect(replayed).toBe(false);
    expect(call).toMatchObject({ status: 'queued', fromNumber: '+14155550123', retryCount: 0, maxRetries: 0 });
    expect(await table.getById(call.id)).toMatchObject({ status: 'queued' });
    expect(queue.sent).toEqual([
      { message: expect.objectContaining({ callId: call.id, attempt: 1, waits: 0 }), delaySeconds: 0 },
    ]);
  });

  it('keeps the agent’s first message on the call for its answer, unless the call overrides it', async () => {
    const { deps, table, directory, command } = world();
    const agentMessage = (await directory.getAgent('acc_demo', AGENT))?.defaultFirstMessage;
    const plain = await createCall(deps, command());
    expect((await table.getById(plain.call.id))?.agentFirstMessage).toBe(agentMessage);
    const overridden = await createCall(deps, command({ overrideFirstMessage: 'Hi Jane' }));
    expect(await table.getById(overridden.call.id)).toMatchObject({
      overrideFirstMessage: 'Hi Jane',
      agentFirstMessage: null,
    });
    expect(plain.call).not.toHaveProperty('agentFirstMessage');
  });

  it('schedules a call for later a minute early, and dials one due within two minutes from the queue', async () => {
    const { deps, clock, queue, scheduler, command } = world();
    const later = await createCall(deps, command({ scheduledFor: inMinutes(clock.now(), 30) }));
    expect(later.call.status).toBe('scheduled');
    expect(scheduler.scheduled).toEqual([
      {
        message: expect.objectContaining({ callId: later.call.id }),
        fireAt: new Date(clock.now().getTime() + 29 * 60_000),
      },
    ]);
    const soon = await createCall(deps, command({ scheduledFor: inMinutes(clock.now(), 1) }));
    expect(queue.sent).toEqual([{ message: expect.objectContaining({ callId: soon.call.id }), delaySeconds: 60 }]);
  });

  it('refuses another account’s agent, an unassigned caller ID, an agent without a number and a time long past', async () => {
    const { deps, clock, table, command } = world();
    await expect(createCall(deps, command({ agentId: 'agt_other' }))).rejects.toMatchObject({
      code: 'agent_not_found',
    });
    await expect(createCall(deps, command({ fromNumber: '+14155550125' }))).rejects.toMatchObject({
      code: 'from_number_not_assigned',
    });
    await expect(createCall(deps, command({ agentId: 'agt_nonumber' }))).rejects.toMatchObject({
      code: 'agent_has_no_number',
    });
    await expect(createCall(deps, command({ scheduledFor: inMinutes(clock.now(), -10) }))).rejects.toMatchObject({
      code: 'scheduled_for_in_past',
    });
    expect(table.all()).toEqual([]);
  });

  it('treats a time a little in the past as due now', async () => {
    const { deps, clock, command } = world();
    const { call } = await createCall(deps, command({ scheduledFor: inMinutes(clock.now(), -2) }));
    expect(call.status).toBe('queued');
  });

  it('answers a repeated Idempotency-Key with the first response and creates nothing; another body is a 422', async () => {
    const { deps, table, command } = world();
    const first = await createCall(deps, command({}, 'key-1'));
    const again = await createCall(deps, command({}, 'key-1'));
    expect(again).toEqual({ call: first.call, replayed: true });
    expect(table.all()).toHaveLength(1);
    await expect(createCall(deps, command({ toNumber: '+14155550100' }, 'key-1'))).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
  });

  it('still answers with the stored call when it cannot be dispatched, says so, and brings a scheduled call’s watchdog forward', async () => {
    const { deps, clock, table, scheduler, dispatchFailures, command } = world();
    scheduler.failWith = new Error('Scheduler throttled');
    const { call } = await createCall(deps, command({ scheduledFor: inMinutes(clock.now(), 60) }));
    expect(dispatchFailures).toEqual([call.id]);
    const stored = await table.getById(call.id);
    expect(Date.parse(stored?.watchdogAt ?? '')).toBeLessThan(Date.parse(call.scheduledFor ?? ''));
  });

  describe('when the store does not answer the write', () => {
    /** The table, whose create rejects with `error` after it `landed` (or not). */
    function failing(table: object, error: Error, landed: boolean) {
      return new Proxy(table, {
        get(target, property) {
          const real = Reflect.get(target, property) as unknown;
          if (property === 'create')
            return async (...args: unknown[]) => {
              if (landed) await (real as (...a: unknown[]) => Promise<unknown>).apply(target, args);
              throw error;
            };
          return typeof real === 'function' ? real.bind(target) : real;
        },
      }) as typeof table;
    }
    const unanswered = () => new OutcomeUnknownError('What this request changes may have been changed.', []);

    it('answers outcome_unknown naming the call and how to find out, and sends nothing on its way', async () => {
      const { deps, table, queue, command } = world();
      const calls = failing(table, unanswered(), true) as typeof deps.calls;
      const failure = await createCall({ ...deps, calls }, command()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OutcomeUnknownError);
      const id = /obc_[0-9A-Z]{26}/.exec((failure as Error).message)?.[0] as string;
      // It was stored, and its watchdog brings it to the reconciler: nothing is sent from here.
      expect(await table.getById(id)).toMatchObject({ status: 'queued', watchdogAt: expect.any(String) });
      expect(queue.sent).toEqual([]);
      expect((failure as Error).message).toContain(`GET /api/v1/outbound-calls/${id}) before creating it again`);
      const keyed = await createCall({ ...deps, calls }, command({}, 'key-1')).catch((error: unknown) => error);
      expect((keyed as Error).message).toContain('send the create again with the same Idempotency-Key');
    });

    it('reports a failure the store answered as it was: nothing was stored', async () => {
      const { deps, table, queue, command } = world();
      const refused = Object.assign(new Error('One or more parameter values were invalid'), {
        name: 'ValidationException',
      });
      const calls = failing(table, refused, false) as typeof deps.calls;
      await expect(createCall({ ...deps, calls }, command())).rejects.toBe(refused);
      expect(queue.sent).toEqual([]);
    });

    it('still answers a suppressed number as 422, not as an unknown outcome', async () => {
      const { deps, table, command } = world();
      const calls = failing(table, new NumberSuppressedError('acc_demo'), false) as typeof deps.calls;
      await expect(createCall({ ...deps, calls }, command())).rejects.toMatchObject({ code: 'number_suppressed' });
    });
  });
});
