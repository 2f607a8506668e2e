import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CALLS, callReaches, eventually, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';
import { startFreezableProxy } from '../support/freezable-proxy.ts';

/**
 * A dependency that hangs after the call was stored (SQS and Scheduler frozen: connections open,
 * no answers) must not turn a create or a cancel into a 5xx: the answer is the 2xx of what was
 * stored, and the service finishes the work itself once the dependency is back: the call is
 * dialed exactly once.
 */
describe('a frozen queue and scheduler during a create', () => {
  let api: TestApi;
  let proxy: Awaited<ReturnType<typeof startFreezableProxy>>;

  beforeAll(async () => {
    proxy = await startFreezableProxy(inject('motoEndpoint'));
    api = await startTestApi({
      motoEndpoint: proxy.endpoint,
      reconcileIntervalMs: 1000,
      environment: { WATCHDOG_GRACE_SECONDS: '2' },
    });
  });
  afterAll(async () => {
    proxy.thaw();
    await api.stack.stop();
    await proxy.stop();
  });

  it('answers 201 for calls it stored, then dials each exactly once when the queue is back', async () => {
    const toNumber = '+14155550142';
    proxy.freeze();
    const immediate = await api.request('POST', CALLS, { body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber } });
    const scheduled = await api.request('POST', CALLS, {
      body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber, scheduledFor: minutesFromNow(30) },
    });
    const cancelled = await api.request('POST', CALLS, {
      body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber, scheduledFor: minutesFromNow(40) },
    });
    const cancel = await api.request('POST', `${CALLS}/${cancelled.body.id}/cancel`);
    expect(immediate.status).toBe(201);
    expect(scheduled.status).toBe(201);
    expect(cancelled.status).toBe(201);
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('cancelled');
    expect((await api.request('GET', `${CALLS}/${immediate.body.id}`)).body.status).toBe('queued');
    proxy.thaw();

    await callReaches(api, immediate.body.id, ['completed'], 60_000);
    const dials = [...api.stack.simulatedCalls.calls.values()].filter((call) => call.to === toNumber);
    expect(dials).toHaveLength(1);

    // The scheduled call's schedule was not confirmed: the reconciler creates it.
    const scheduler = new SchedulerClient({ endpoint: proxy.endpoint });
    await eventually(
      () =>
        scheduler
          .send(
            new GetScheduleCommand({ Name: `${scheduled.body.id}-a1`, GroupName: api.stack.queues.scheduleGroupName }),
          )
          .then((schedule) => schedule.Name ?? null)
          .catch(() => null),
      (name) => name !== null,
      60_000,
      'the scheduled call to get its schedule',
    );
    expect((await api.request('GET', `${CALLS}/${scheduled.body.id}`)).body.status).toBe('scheduled');
  }, 300_000);

  it('answers 200 for a PATCH that moved a scheduled call to now, then dials it exactly once when the queue is back', async () => {
    const toNumber = '+14155550143';
    const created = await api.request('POST', CALLS, {
      body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber, scheduledFor: minutesFromNow(30) },
    });
    expect(created.status).toBe(201);
    proxy.freeze();
    const moved = await api.request('PATCH', `${CALLS}/${created.body.id}`, {
      body: { scheduledFor: new Date().toISOString() },
    });
    expect(moved.status).toBe(200);
    proxy.thaw();
    await callReaches(api, created.body.id, ['completed'], 60_000);
    const dials = [...api.stack.simulatedCalls.calls.values()].filter((call) => call.to === toNumber);
    expect(dials).toHaveLength(1);
  }, 300_000);
});
