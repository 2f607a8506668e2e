import { describe, expect, it } from 'vitest';
import { applyProviderEvent, markLost, reportDeadline, startDial, watchdogAt, type CallTimingLimits } from '#domain/call-lifecycle';
import type { StoredCall } from '#schemas/call';
import { aCall } from '../support/calls.ts';

const limits: CallTimingLimits = { ringTimeoutSeconds: 30, maxCallDurationSeconds: 600, retryDelayUnitSeconds: 60, watchdogGraceSeconds: 120 };
const t = (iso: string) => new Date(`2025-06-16T${iso}Z`);

function queued(overrides: Parameters<typeof aCall>[0] = {}): StoredCall {
  return aCall({ id: 'obc_01JXXXXXXXXXXXXXXXXXXXXXXX', accountId: 'acc_1', agentId: 'agt_1', ...overrides }, t('14:00:00'));
}

function dialed(call = queued()): StoredCall {
  return startDial(call, t('14:00:00'), 'conv_1', limits) as StoredCall;
}

function answered(call = dialed(), answeredBy: 'human' | 'machine' = 'human'): StoredCall {
  return applyProviderEvent(call, { kind: 'answered', at: t('14:00:08'), answeredBy }, t('14:00:08'), limits) as StoredCall;
}

describe('call lifecycle', () => {
  it('starts an attempt when dialed', () => {
    const call = dialed();
    expect(call).toMatchObject({ status: 'initiating', initiatedAt: '2025-06-16T14:00:00Z', pendingConversationId: 'conv_1', conversationId: null });
    expect(call.attempts).toEqual([
      { attempt: 1, scheduledFor: null, initiatedAt: '2025-06-16T14:00:00Z', connectedAt: null, endedAt: null, durationSeconds: null, status: 'initiating', endReason: null },
    ]);
  });

  it('connects an answered call with its conversation id, then completes it with the published example timings', () => {
    const call = answered();
    expect(call).toMatchObject({ status: 'in_progress', connectedAt: '2025-06-16T14:00:08Z', conversationId: 'conv_1' });
    const ended = applyProviderEvent({ ...call, agentEndedAt: '2025-06-16T14:03:41Z' }, { kind: 'completed', at: t('14:03:42'), durationSeconds: 214 }, t('14:03:42'), limits);
    expect(ended).toMatchObject({ status: 'completed', endReason: 'agent_ended', endedAt: '2025-06-16T14:03:42Z', durationSeconds: 214, watchdogAt: null });
    expect(ended?.attempts[0]).toMatchObject({ status: 'completed', durationSeconds: 214, connectedAt: '2025-06-16T14:00:08Z' });
  });

  it('tells who ended the call, a voicemail, and a call cut at the time limit', () => {
    const at = { kind: 'completed' as const, at: t('14:01:00'), durationSeconds: 52 };
    expect(applyProviderEvent(answered(), at, t('14:01:00'), limits)?.endReason).toBe('customer_ended');
    expect(applyProviderEvent(answered(dialed(), 'machine'), at, t('14:01:00'), limits)).toMatchObject({ status: 'voicemail', endReason: 'voicemail_left' });
    expect(applyProviderEvent(answered(), { ...at, durationSeconds: 600 }, t('14:10:08'), limits)?.endReason).toBe('max_duration');
  });

  it('infers the answer when its report was lost', () => {
    const ringing = applyProviderEvent(dialed(), { kind: 'ringing', at: t('14:00:02') }, t('14:00:02'), limits) as StoredCall;
    const ended = applyProviderEvent(ringing, { kind: 'completed', at: t('14:01:00'), durationSeconds: 50 }, t('14:01:00'), limits);
    expect(ended).toMatchObject({ status: 'completed', connectedAt: '2025-06-16T14:00:10Z', durationSeconds: 50, conversationId: 'conv_1' });
  });

  it('ignores duplicates and reports that arrive out of order', () => {
    const call = answered();
    expect(applyProviderEvent(call, { kind: 'answered', at: t('14:00:09'), answeredBy: 'human' }, t('14:00:09'), limits)).toBeNull();
    expect(applyProviderEvent(call, { kind: 'ringing', at: t('14:00:03') }, t('14:00:10'), limits)).toBeNull();
    const ended = applyProviderEvent(call, { kind: 'completed', at: t('14:01:00'), durationSeconds: 52 }, t('14:01:00'), limits) as StoredCall;
    expect(applyProviderEvent(ended, { kind: 'completed', at: t('14:01:00'), durationSeconds: 52 }, t('14:01:01'), limits)).toBeNull();
    expect(applyProviderEvent(ended, { kind: 'failed', at: t('14:01:01'), reason: 'provider_error' }, t('14:01:01'), limits)).toBeNull();
  });

  it('schedules a retry after no answer while retries remain, then ends no_answer', () => {
    let call = dialed(queued({ maxRetries: 2, retryDelayMinutes: 30 }));
    call = applyProviderEvent(call, { kind: 'no_answer', at: t('14:00:30') }, t('14:00:30'), limits) as StoredCall;
    expect(call).toMatchObject({ status: 'scheduled', retryCount: 1, scheduledFor: '2025-06-16T14:30:30Z', endedAt: null, endReason: null });
    expect(call.attempts).toHaveLength(1);
    expect(call.attempts[0]).toMatchObject({ status: 'no_answer', endReason: 'no_answer', endedAt: '2025-06-16T14:00:30Z', durationSeconds: 0 });
    expect(call.watchdogAt).toBe('2025-06-16T14:32:30Z');

    // A late report about the first attempt cannot touch the second.
    call = startDial({ ...call, status: 'queued' }, t('14:30:31'), 'conv_2', limits) as StoredCall;
    expect(call.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    call = applyProviderEvent(call, { kind: 'no_answer', at: t('14:31:00') }, t('14:31:00'), limits) as StoredCall;
    call = startDial({ ...call, status: 'queued' }, t('15:01:01'), 'conv_3', limits) as StoredCall;
    call = applyProviderEvent(call, { kind: 'no_answer', at: t('15:01:30') }, t('15:01:30'), limits) as StoredCall;
    expect(call).toMatchObject({ status: 'no_answer', retryCount: 2, endReason: 'no_answer', durationSeconds: 0 });
    expect(call.attempts.map((a) => [a.attempt, a.status])).toEqual([[1, 'no_answer'], [2, 'no_answer'], [3, 'no_answer']]);
  });

  it('ends busy and failed attempts with their reasons and no duration', () => {
    expect(applyProviderEvent(dialed(), { kind: 'busy', at: t('14:00:01') }, t('14:00:01'), limits)).toMatchObject({ status: 'busy', endReason: 'busy', durationSeconds: 0 });
    expect(applyProviderEvent(dialed(), { kind: 'failed', at: t('14:00:01'), reason: 'invalid_number' }, t('14:00:01'), limits)).toMatchObject({ status: 'failed', endReason: 'invalid_number' });
  });

  it('gives up on an attempt the provider stopped reporting, with a reason that says how', () => {
    expect(markLost(dialed(), t('14:05:00'), limits)).toMatchObject({ status: 'failed', endReason: 'dial_timeout' });
    expect(markLost(answered(), t('14:30:00'), limits)).toMatchObject({ status: 'failed', endReason: 'provider_error', durationSeconds: 1792 });
    expect(markLost(queued(), t('14:05:00'), limits)).toBeNull();
  });

  it('watches unfinished calls, and knows when silence means a lost report', () => {
    expect(watchdogAt(queued(), limits)).toBe('2025-06-16T14:02:00Z');
    expect(watchdogAt(queued({ scheduledFor: t('18:00:00') }), limits)).toBe('2025-06-16T18:02:00Z');
    expect(reportDeadline(dialed(), limits)).toBe(Date.parse('2025-06-16T14:04:30Z'));
    expect(reportDeadline(answered(), limits)).toBe(Date.parse('2025-06-16T14:14:08Z'));
  });
});
