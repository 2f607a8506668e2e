import { describe, expect, it } from 'vitest';
import { CALL_EVENTS, isTerminal, transition, type CallEvent } from '#domain/call-status-machine';
import { CALL_STATUSES, type CallStatus } from '#schemas/call';

/** DESIGN.md section 2, row by row (with issue 12's voicemail retry and calling-window hold): the only (status, event) pairs that change a status. */
const DOCUMENTED: Array<[CallEvent, CallStatus[], CallStatus]> = [
  ['schedule_fired', ['scheduled'], 'queued'],
  ['dial_started', ['queued'], 'initiating'],
  // The provider created nothing and asked to be called later (429, or the request never left).
  ['dial_deferred', ['initiating'], 'queued'],
  ['provider_ringing', ['initiating'], 'ringing'],
  ['provider_answered', ['initiating', 'ringing'], 'in_progress'],
  ['provider_hung_up', ['in_progress'], 'completed'],
  ['provider_voicemail_ended', ['in_progress'], 'voicemail'],
  ['provider_fax_detected', ['in_progress'], 'failed'],
  ['provider_no_answer', ['initiating', 'ringing'], 'no_answer'],
  ['retry_scheduled', ['initiating', 'ringing', 'in_progress'], 'scheduled'],
  ['window_closed', ['queued'], 'scheduled'],
  ['provider_busy', ['initiating', 'ringing'], 'busy'],
  ['provider_failed', ['queued', 'initiating', 'ringing'], 'failed'],
  ['provider_lost', ['initiating', 'ringing', 'in_progress'], 'failed'],
  ['cancel', ['scheduled', 'queued'], 'cancelled'],
];

const TERMINAL: CallStatus[] = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];

function expected(status: CallStatus, event: CallEvent): CallStatus | undefined {
  const row = DOCUMENTED.find(([e, from]) => e === event && from.includes(status));
  return row?.[2];
}

describe('call status machine', () => {
  const pairs = CALL_STATUSES.flatMap((status) => CALL_EVENTS.map((event) => [status, event] as const));

  it('covers every documented event', () => {
    expect([...CALL_EVENTS].sort()).toEqual(DOCUMENTED.map(([event]) => event).sort());
  });

  it.each(pairs)('from %s on %s: documented pairs move, all others are rejected', (status, event) => {
    const result = transition(status, event);
    const to = expected(status, event);
    if (to) {
      expect(result).toEqual({ allowed: true, from: status, to });
    } else {
      expect(result).toEqual({
        allowed: false,
        from: status,
        reason: TERMINAL.includes(status) ? 'terminal' : 'not_allowed',
      });
    }
  });

  it('never lets a terminal call change again', () => {
    for (const status of TERMINAL) {
      expect(isTerminal(status)).toBe(true);
      for (const event of CALL_EVENTS) expect(transition(status, event).allowed).toBe(false);
    }
    for (const status of CALL_STATUSES.filter((s) => !TERMINAL.includes(s))) expect(isTerminal(status)).toBe(false);
  });
});
