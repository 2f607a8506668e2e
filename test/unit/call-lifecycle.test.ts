import { callingWindowRules } from '#domain/calling-window';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyProviderEvent,
  markLost,
  recordAnsweredBy,
  reportDeadline,
  startDial,
  watchdogAt,
  type CallTimingLimits,
  type ProviderEvent,
} from '#domain/call-lifecycle';
import { secondsBetween } from '#domain/time';
import { ANSWERED_BY, type AnsweredBy, type StoredCall } from '#schemas/call';
import { aCall } from '../support/calls.ts';

const limits: CallTimingLimits = {
  ringTimeoutSeconds: 30,
  maxCallDurationSeconds: 600,
  retryDelayUnitSeconds: 60,
  watchdogGraceSeconds: 120,
};
const t = (iso: string) => new Date(`2025-06-16T${iso}Z`);

function queued(overrides: Parameters<typeof aCall>[0] = {}): StoredCall {
  return aCall(
    { id: 'obc_01JXXXXXXXXXXXXXXXXXXXXXXX', accountId: 'acc_1', agentId: 'agt_1', ...overrides },
    t('14:00:00'),
  );
}

function dialed(call = queued()): StoredCall {
  return startDial(call, t('14:00:00'), 'conv_1', limits) as StoredCall;
}

/** The answered report; `null` for one without AnsweredBy. */
function answered(call = dialed(), answeredBy: AnsweredBy | null = 'human'): StoredCall {
  return applyProviderEvent(
    call,
    { kind: 'answered', at: t('14:00:08'), ...(answeredBy ? { answeredBy } : {}) },
    t('14:00:08'),
    limits,
    callingWindowRules,
  ) as StoredCall;
}

describe('call lifecycle', () => {
  it('starts an attempt when dialed', () => {
    const call = dialed();
    expect(call).toMatchObject({
      status: 'initiating',
      initiatedAt: '2025-06-16T14:00:00Z',
      pendingConversationId: 'conv_1',
      conversationId: null,
    });
    expect(call.attempts).toEqual([
      {
        attempt: 1,
        scheduledFor: null,
        initiatedAt: '2025-06-16T14:00:00Z',
        connectedAt: null,
        endedAt: null,
        durationSeconds: null,
        status: 'initiating',
        endReason: null,
      },
    ]);
  });

  it('connects an answered call with its conversation id, then completes it with the published example timings', () => {
    const call = answered();
    expect(call).toMatchObject({
      status: 'in_progress',
      connectedAt: '2025-06-16T14:00:08Z',
      conversationId: 'conv_1',
    });
    const ended = applyProviderEvent(
      { ...call, agentEndedAt: '2025-06-16T14:03:41Z' },
      { kind: 'completed', at: t('14:03:42'), durationSeconds: 214 },
      t('14:03:42'),
      limits,
      callingWindowRules,
    );
    expect(ended).toMatchObject({
      status: 'completed',
      endReason: 'agent_ended',
      endedAt: '2025-06-16T14:03:42Z',
      durationSeconds: 214,
      watchdogAt: null,
    });
    expect(ended?.attempts[0]).toMatchObject({
      status: 'completed',
      durationSeconds: 214,
      connectedAt: '2025-06-16T14:00:08Z',
    });
  });

  it('tells who ended the call, a voicemail, and a call cut at the time limit', () => {
    const at = { kind: 'completed' as const, at: t('14:01:00'), durationSeconds: 52 };
    expect(applyProviderEvent(answered(), at, t('14:01:00'), limits, callingWindowRules)?.endReason).toBe(
      'customer_ended',
    );
    expect(
      applyProviderEvent(answered(dialed(), 'machine_end_beep'), at, t('14:01:00'), limits, callingWindowRules),
    ).toMatchObject({
      status: 'voicemail',
      endReason: 'voicemail_left',
    });
    expect(
      applyProviderEvent(
        answered(),
        { ...at, at: t('14:10:08'), durationSeconds: 600 },
        t('14:10:08'),
        limits,
        callingWindowRules,
      )?.endReason,
    ).toBe('max_duration');
  });

  it('infers the answer when its report was lost', () => {
    const ringing = applyProviderEvent(
      dialed(),
      { kind: 'ringing', at: t('14:00:02') },
      t('14:00:02'),
      limits,
      callingWindowRules,
    ) as StoredCall;
    const ended = applyProviderEvent(
      ringing,
      { kind: 'completed', at: t('14:01:00'), durationSeconds: 50 },
      t('14:01:00'),
      limits,
      callingWindowRules,
    );
    expect(ended).toMatchObject({
      status: 'completed',
      connectedAt: '2025-06-16T14:00:10Z',
      durationSeconds: 50,
      conversationId: 'conv_1',
    });
  });

  it('ignores duplicates and reports that arrive out of order', () => {
    const call = answered();
    expect(
      applyProviderEvent(
        call,
        { kind: 'answered', at: t('14:00:09'), answeredBy: 'human' },
        t('14:00:09'),
        limits,
        callingWindowRules,
      ),
    ).toBeNull();
    expect(
      applyProviderEvent(call, { kind: 'ringing', at: t('14:00:03') }, t('14:00:10'), limits, callingWindowRules),
    ).toBeNull();
    const ended = applyProviderEvent(
      call,
      { kind: 'completed', at: t('14:01:00'), durationSeconds: 52 },
      t('14:01:00'),
      limits,
      callingWindowRules,
    ) as StoredCall;
    expect(
      applyProviderEvent(
        ended,
        { kind: 'completed', at: t('14:01:00'), durationSeconds: 52 },
        t('14:01:01'),
        limits,
        callingWindowRules,
      ),
    ).toBeNull();
    expect(
      applyProviderEvent(
        ended,
        { kind: 'failed', at: t('14:01:01'), reason: 'provider_error' },
        t('14:01:01'),
        limits,
        callingWindowRules,
      ),
    ).toBeNull();
  });

  it('schedules a retry after no answer while retries remain, then ends no_answer', () => {
    let call = dialed(queued({ maxRetries: 2, retryDelayMinutes: 30 }));
    call = applyProviderEvent(
      call,
      { kind: 'no_answer', at: t('14:00:30') },
      t('14:00:30'),
      limits,
      callingWindowRules,
    ) as StoredCall;
    expect(call).toMatchObject({
      status: 'scheduled',
      retryCount: 1,
      scheduledFor: '2025-06-16T14:30:30Z',
      endedAt: null,
      endReason: null,
    });
    expect(call.attempts).toHaveLength(1);
    expect(call.attempts[0]).toMatchObject({
      status: 'no_answer',
      endReason: 'no_answer',
      endedAt: '2025-06-16T14:00:30Z',
      durationSeconds: 0,
    });
    expect(call.watchdogAt).toBe('2025-06-16T14:32:30Z');

    // A late report about the first attempt cannot touch the second.
    call = startDial({ ...call, status: 'queued' }, t('14:30:31'), 'conv_2', limits) as StoredCall;
    expect(call.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    call = applyProviderEvent(
      call,
      { kind: 'no_answer', at: t('14:31:00') },
      t('14:31:00'),
      limits,
      callingWindowRules,
    ) as StoredCall;
    call = startDial({ ...call, status: 'queued' }, t('15:01:01'), 'conv_3', limits) as StoredCall;
    call = applyProviderEvent(
      call,
      { kind: 'no_answer', at: t('15:01:30') },
      t('15:01:30'),
      limits,
      callingWindowRules,
    ) as StoredCall;
    expect(call).toMatchObject({ status: 'no_answer', retryCount: 2, endReason: 'no_answer', durationSeconds: 0 });
    expect(call.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'no_answer'],
      [2, 'no_answer'],
      [3, 'no_answer'],
    ]);
  });

  it('ends busy and failed attempts with their reasons and no duration', () => {
    expect(
      applyProviderEvent(dialed(), { kind: 'busy', at: t('14:00:01') }, t('14:00:01'), limits, callingWindowRules),
    ).toMatchObject({
      status: 'busy',
      endReason: 'busy',
      durationSeconds: 0,
    });
    expect(
      applyProviderEvent(
        dialed(),
        { kind: 'failed', at: t('14:00:01'), reason: 'invalid_number' },
        t('14:00:01'),
        limits,
        callingWindowRules,
      ),
    ).toMatchObject({ status: 'failed', endReason: 'invalid_number' });
  });

  it('gives up on an attempt the provider stopped reporting, with a reason that says how', () => {
    expect(markLost(dialed(), t('14:05:00'), limits, callingWindowRules)).toMatchObject({
      status: 'failed',
      endReason: 'dial_timeout',
    });
    expect(markLost(answered(), t('14:30:00'), limits, callingWindowRules)).toMatchObject({
      status: 'failed',
      endReason: 'provider_error',
      durationSeconds: 1792,
    });
    expect(markLost(queued(), t('14:05:00'), limits, callingWindowRules)).toBeNull();
  });

  it('watches unfinished calls, and knows when silence means a lost report', () => {
    expect(watchdogAt(queued(), limits)).toBe('2025-06-16T14:02:00Z');
    expect(watchdogAt(queued({ scheduledFor: t('18:00:00') }), limits)).toBe('2025-06-16T18:02:00Z');
    expect(reportDeadline({ ...dialed(), providerCallId: 'CA1' }, limits)).toBe(Date.parse('2025-06-16T14:04:30Z'));
    expect(reportDeadline(answered(), limits)).toBe(Date.parse('2025-06-16T14:14:08Z'));
  });

  it('waits for the longest call before giving up on a dial whose provider call id was never saved', () => {
    // Before: such a dial was marked lost at once, while the provider was still reporting on it.
    expect(reportDeadline(dialed(), limits)).toBe(Date.parse('2025-06-16T14:14:30Z'));
  });
});

describe('who answered', () => {
  const completed = (
    at: string,
    extra: Partial<Extract<ProviderEvent, { kind: 'completed' }>> = {},
  ): ProviderEvent => ({ kind: 'completed', at: t(at), ...extra });

  it('keeps the answer request’s verdict when later reports lack one (the issue’s sequence)', () => {
    // in-progress without AnsweredBy; the answer request with machine_end_beep; completed without AnsweredBy.
    const inProgress = answered(dialed(), null);
    expect(inProgress.answeredBy).toBeNull();
    const withVerdict = recordAnsweredBy(inProgress, 'machine_end_beep') as StoredCall;
    expect(withVerdict.answeredBy).toBe('machine_end_beep');
    expect(
      applyProviderEvent(withVerdict, completed('14:00:30'), t('14:00:30'), limits, callingWindowRules),
    ).toMatchObject({
      status: 'voicemail',
      endReason: 'voicemail_left',
    });
  });

  it('never lets a later report overwrite a verdict', () => {
    const machine = answered(dialed(), 'machine_end_silence');
    expect(recordAnsweredBy(machine, 'human')).toBeNull();
    expect(
      applyProviderEvent(
        machine,
        completed('14:00:30', { answeredBy: 'human' }),
        t('14:00:30'),
        limits,
        callingWindowRules,
      ),
    ).toMatchObject({ status: 'voicemail', answeredBy: 'machine_end_silence' });
    const dialedWithVerdict = recordAnsweredBy(dialed(), 'machine_start') as StoredCall;
    expect(
      applyProviderEvent(
        dialedWithVerdict,
        { kind: 'answered', at: t('14:00:05') },
        t('14:00:05'),
        limits,
        callingWindowRules,
      )?.answeredBy,
    ).toBe('machine_start');
  });

  it.each(ANSWERED_BY.map((value) => [value]))('ends a call answered by %s with its documented outcome', (value) => {
    const expected: Record<AnsweredBy, [string, string]> = {
      human: ['completed', 'customer_ended'],
      unknown: ['completed', 'customer_ended'],
      machine_start: ['voicemail', 'voicemail_left'],
      machine_end_beep: ['voicemail', 'voicemail_left'],
      machine_end_silence: ['voicemail', 'voicemail_left'],
      machine_end_other: ['voicemail', 'voicemail_left'],
      // Before: a fax was recorded as a voicemail.
      fax: ['failed', 'fax_detected'],
    };
    for (const call of [answered(dialed(), value), recordAnsweredBy(answered(dialed(), null), value) as StoredCall]) {
      const ended = applyProviderEvent(call, completed('14:00:30'), t('14:00:30'), limits, callingWindowRules);
      expect([ended?.status, ended?.endReason]).toEqual(expected[value]);
      expect(ended?.attempts[0]).toMatchObject({ status: expected[value][0], endReason: expected[value][1] });
    }
    // The verdict may also come only with the final report, after the answered report was lost.
    const ringing = applyProviderEvent(
      dialed(),
      { kind: 'ringing', at: t('14:00:02') },
      t('14:00:02'),
      limits,
      callingWindowRules,
    ) as StoredCall;
    expect(
      applyProviderEvent(
        ringing,
        completed('14:00:30', { answeredBy: value, durationSeconds: 20 }),
        t('14:00:30'),
        limits,
        callingWindowRules,
      )?.endReason,
    ).toBe(expected[value][1]);
  });

  it('a fax is never retried, whatever retries remain', () => {
    const fax = applyProviderEvent(
      answered(dialed(queued({ maxRetries: 3 })), 'fax'),
      completed('14:00:30'),
      t('14:00:30'),
      limits,
      callingWindowRules,
    );
    expect(fax).toMatchObject({ status: 'failed', endReason: 'fax_detected', retryCount: 0, watchdogAt: null });
  });
});

describe('the provider’s clock and counts', () => {
  it('clamps a timestamp from the far future to now (before: durationSeconds 2,306,427,791)', () => {
    const ended = applyProviderEvent(
      answered(),
      { kind: 'completed', at: new Date('2100-01-01T00:00:00Z'), durationSeconds: 2_306_427_791 },
      t('14:01:00'),
      limits,
      callingWindowRules,
    );
    expect(ended).toMatchObject({
      status: 'completed',
      endedAt: '2025-06-16T14:01:00Z',
      durationSeconds: 52,
      endReason: 'customer_ended',
    });
  });

  it('clamps a timestamp from before the dial to the dial', () => {
    const call = applyProviderEvent(
      dialed(),
      { kind: 'answered', at: new Date('1999-01-01T00:00:00Z') },
      t('14:00:05'),
      limits,
      callingWindowRules,
    ) as StoredCall;
    expect(call.connectedAt).toBe('2025-06-16T14:00:00Z');
  });

  it('never ends an attempt before it connected (before: out-of-order reports left connectedAt after endedAt)', () => {
    const call = applyProviderEvent(
      dialed(),
      { kind: 'answered', at: t('14:00:40') },
      t('14:00:41'),
      limits,
      callingWindowRules,
    ) as StoredCall;
    const ended = applyProviderEvent(
      call,
      { kind: 'completed', at: t('14:00:20'), durationSeconds: 0 },
      t('14:00:42'),
      limits,
      callingWindowRules,
    );
    expect(ended).toMatchObject({
      connectedAt: '2025-06-16T14:00:40Z',
      endedAt: '2025-06-16T14:00:40Z',
      durationSeconds: 0,
    });
  });

  it('keeps initiatedAt <= connectedAt <= endedAt <= now and durationSeconds from those times, whatever the reports say and in whatever order', () => {
    const anyTime = fc.oneof(
      fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: -600, max: 600 }).map((s) => new Date(t('14:00:30').getTime() + s * 1000)),
      fc.constant(new Date(NaN)),
    );
    const verdict = fc.option(fc.constantFrom(...ANSWERED_BY), { nil: undefined });
    const event: fc.Arbitrary<ProviderEvent> = fc.oneof(
      fc.record({ kind: fc.constant('ringing' as const), at: anyTime }),
      fc.record(
        { kind: fc.constant('answered' as const), at: anyTime, answeredBy: verdict },
        { requiredKeys: ['kind', 'at'] },
      ),
      fc.record(
        {
          kind: fc.constant('completed' as const),
          at: anyTime,
          durationSeconds: fc.option(fc.nat(), { nil: undefined }),
          answeredBy: verdict,
        },
        { requiredKeys: ['kind', 'at'] },
      ),
      fc.record({ kind: fc.constant('busy' as const), at: anyTime }),
      fc.record({ kind: fc.constant('no_answer' as const), at: anyTime }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(event, fc.integer({ min: 1, max: 60 })), { maxLength: 8 }), (reports) => {
        let call = dialed(queued({ maxRetries: 1 }));
        let now = t('14:00:00');
        for (const [report, later] of reports) {
          now = new Date(now.getTime() + later * 1000);
          call = applyProviderEvent(call, report, now, limits, callingWindowRules) ?? call;
          for (const attempt of call.attempts) {
            const times = [attempt.initiatedAt, attempt.connectedAt, attempt.endedAt]
              .filter((x): x is string => x !== null)
              .map(Date.parse);
            expect(times).toEqual([...times].sort((a, b) => a - b));
            for (const time of times) expect(time).toBeLessThanOrEqual(now.getTime());
            if (attempt.endedAt) {
              expect(attempt.durationSeconds).toBe(
                attempt.connectedAt ? secondsBetween(attempt.connectedAt, attempt.endedAt) : 0,
              );
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
