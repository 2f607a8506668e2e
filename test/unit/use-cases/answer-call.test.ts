import { describe, expect, it, vi } from 'vitest';
import { startDial } from '#domain/call-lifecycle';
import { ConcurrentModificationError } from '#domain/errors';
import type { StoredCall } from '#schemas/call';
import { answerCall, recordAgentEnded } from '#use-cases/answer-call';
import { applyCallEvent } from '#use-cases/apply-call-event';
import { aCall } from '../../support/calls.ts';
import { LIMITS, fakeCallWorld } from '../../support/fakes/call-world.ts';
import { FakeDirectory } from '../../support/fakes/directory.ts';

async function dialedCall(overrides: { overrideFirstMessage?: string | null } = {}) {
  const world = fakeCallWorld();
  const directory = new FakeDirectory();
  directory.addAgent('acc_demo', 'agt_01HXK8Z3MNPQRS', ['+14155550123'], 'Hi from the agent');
  const queued = aCall(overrides, world.clock.now());
  await world.table.create(queued);
  const call = await world.table.update(startDial(queued, world.clock.now(), 'conv_1', LIMITS) as StoredCall, queued);
  return { ...world, directory, call, deps: { ...world.deps, directory } };
}

describe('answerCall', () => {
  it('hands an answered call to the agent with its conversation, first message and metadata', async () => {
    const { deps, table, call } = await dialedCall({ overrideFirstMessage: 'Hi Jane' });
    const session = await answerCall(deps, { callId: call.id, attempt: 1, answeredBy: 'human' });
    expect(session).toEqual({
      callId: call.id,
      agentId: call.agentId,
      conversationId: 'conv_1',
      firstMessage: 'Hi Jane',
      metadata: {},
      leaveVoicemail: false,
    });
    expect((await table.getById(call.id))?.status).toBe('in_progress');
  });

  it('uses the agent’s first message when the call has none, and leaves a voicemail for a machine', async () => {
    const { deps, call } = await dialedCall();
    const session = await answerCall(deps, { callId: call.id, attempt: 1, answeredBy: 'machine_end_beep' });
    expect(session).toMatchObject({ firstMessage: 'Hi from the agent', leaveVoicemail: true });
  });

  it('uses the agent’s first message kept on the call at create, without reading the agent', async () => {
    const { deps, directory, call } = await dialedCall();
    const kept = { ...call, agentFirstMessage: 'Hi from the agent, as it was at create' };
    const reads = vi.spyOn(directory, 'getAgent');
    const session = await answerCall(deps, { callId: call.id, attempt: 1, answeredBy: 'human' }, kept);
    expect(session).toMatchObject({ firstMessage: 'Hi from the agent, as it was at create' });
    expect(reads).not.toHaveBeenCalled();
  });

  it('hangs up (null) on a fax, an unknown call, or another attempt', async () => {
    const { deps, call } = await dialedCall();
    expect(await answerCall(deps, { callId: call.id, attempt: 2, answeredBy: undefined })).toBeNull();
    expect(await answerCall(deps, { callId: 'obc_unknown', attempt: 1, answeredBy: undefined })).toBeNull();
    expect(await answerCall(deps, { callId: call.id, attempt: 1, answeredBy: 'fax' })).toBeNull();
  });
});

describe('recordAgentEnded', () => {
  it('ends the call as agent_ended at once, giving its slot back; the provider’s completed then changes nothing', async () => {
    const { deps, table, clock, call } = await dialedCall();
    await answerCall(deps, { callId: call.id, attempt: 1, answeredBy: 'human' });
    clock.advance(20);
    await recordAgentEnded(deps, { callId: call.id, attempt: 1 });
    const ended = await table.getById(call.id);
    expect(ended).toMatchObject({ status: 'completed', endReason: 'agent_ended', durationSeconds: 20 });
    expect(ended?.agentEndedAt).not.toBeNull();
    expect(table.activeCalls('acc_demo')).toBe(0);
    clock.advance(1);
    const report = { kind: 'completed' as const, at: clock.now(), durationSeconds: 21 };
    expect(await applyCallEvent(deps, { callId: call.id, attempt: 1, event: report })).toBe('ignored');
    expect(await table.getById(call.id)).toEqual(ended);
  });

  it('ends a call that was leaving a voicemail with its voicemail outcome', async () => {
    const { deps, table, call } = await dialedCall();
    await answerCall(deps, { callId: call.id, attempt: 1, answeredBy: 'machine_end_beep' });
    await recordAgentEnded(deps, { callId: call.id, attempt: 1 });
    expect(await table.getById(call.id)).toMatchObject({ status: 'voicemail', endReason: 'voicemail_left' });
  });

  it('changes nothing for another attempt or a call no longer under way', async () => {
    const { deps, table, call } = await dialedCall();
    await recordAgentEnded(deps, { callId: call.id, attempt: 2 });
    expect(await table.getById(call.id)).toEqual(call);
    const ended = await table.update({ ...call, status: 'failed', watchdogAt: null }, call);
    await recordAgentEnded(deps, { callId: call.id, attempt: 1 });
    expect(await table.getById(call.id)).toEqual(ended);
  });

  it('no longer gives up silently: a call that never holds still is a thrown conflict', async () => {
    const { deps, table, call } = await dialedCall();
    table.update = async (next) => {
      throw new ConcurrentModificationError('Call', next.id);
    };
    await expect(recordAgentEnded(deps, { callId: call.id, attempt: 1 })).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
  });
});

describe('one read of the call per provider request', () => {
  it('answers with the call the webhook already read: no second read, one write', async () => {
    const { deps, table, call } = await dialedCall();
    const reads = vi.spyOn(table, 'getById');
    const writes = vi.spyOn(table, 'update');
    const session = await answerCall(deps, { callId: call.id, attempt: 1, answeredBy: 'human' }, call);
    expect(session).toMatchObject({ callId: call.id, conversationId: 'conv_1' });
    expect(reads).not.toHaveBeenCalled();
    expect(writes).toHaveBeenCalledTimes(1);
    expect((await table.getById(call.id))?.status).toBe('in_progress');
  });

  it('applies a status report to the known call without reading it, and writes nothing for a report that changes nothing', async () => {
    const { deps, table, clock, call } = await dialedCall();
    const reads = vi.spyOn(table, 'getById');
    const writes = vi.spyOn(table, 'update');
    const report = { callId: call.id, attempt: 1, event: { kind: 'ringing' as const, at: clock.now() } };
    expect(await applyCallEvent(deps, report, call)).toBe('applied');
    const ringing = (await table.getById(call.id)) as StoredCall;
    reads.mockClear();
    expect(await applyCallEvent(deps, report, ringing)).toBe('ignored');
    expect(reads).not.toHaveBeenCalled();
    expect(writes).toHaveBeenCalledTimes(1);
  });

  it('reads the call afresh when the known one is no longer current, and judges that', async () => {
    const { deps, table, clock, call } = await dialedCall();
    await applyCallEvent(deps, { callId: call.id, attempt: 1, event: { kind: 'ringing', at: clock.now() } });
    const reads = vi.spyOn(table, 'getById');
    // `call` is the initiating version: the write on it loses, the ringing call is read and answered.
    const session = await answerCall(deps, { callId: call.id, attempt: 1, answeredBy: 'human' }, call);
    expect(session).toMatchObject({ callId: call.id });
    expect(reads).toHaveBeenCalledTimes(1);
    expect(await table.getById(call.id)).toMatchObject({ status: 'in_progress', version: call.version + 2 });
  });

  it('ends the known call when the agent ends it, without reading it', async () => {
    const { deps, table, call } = await dialedCall();
    const answered = await table.getById(call.id);
    await answerCall(deps, { callId: call.id, attempt: 1, answeredBy: 'human' }, answered ?? call);
    const known = (await table.getById(call.id)) as StoredCall;
    const reads = vi.spyOn(table, 'getById');
    await recordAgentEnded(deps, { callId: call.id, attempt: 1 }, known);
    expect(reads).not.toHaveBeenCalled();
    expect(await table.getById(call.id)).toMatchObject({ status: 'completed', endReason: 'agent_ended' });
  });
});
