import type { CallStatus } from '#schemas/call';

/**
 * Every status change of a call, in one table. Nothing else decides whether a status may change:
 * stores write a new status only with a condition on the status this table was asked about.
 */
export const CALL_EVENTS = [
  'schedule_fired',
  'dial_started',
  'dial_deferred',
  'provider_ringing',
  'provider_answered',
  'provider_hung_up',
  'provider_voicemail_ended',
  'provider_fax_detected',
  'provider_no_answer',
  'retry_scheduled',
  'window_closed',
  'provider_busy',
  'provider_failed',
  'provider_lost',
  'cancel',
] as const;
export type CallEvent = (typeof CALL_EVENTS)[number];

export const TERMINAL_STATUSES: readonly CallStatus[] = [
  'completed',
  'failed',
  'no_answer',
  'busy',
  'cancelled',
  'voicemail',
];

/** (event, from) → to. A pair that is not here is not a transition. */
export const TRANSITIONS: Readonly<Record<CallEvent, Partial<Record<CallStatus, CallStatus>>>> = {
  schedule_fired: { scheduled: 'queued' },
  dial_started: { queued: 'initiating' },
  // The provider created nothing and can take the request later (it asked to slow down, or the
  // request never left): the attempt waits again, as if it had not reached the gate.
  dial_deferred: { initiating: 'queued' },
  provider_ringing: { initiating: 'ringing' },
  provider_answered: { initiating: 'in_progress', ringing: 'in_progress' },
  provider_hung_up: { in_progress: 'completed' },
  provider_voicemail_ended: { in_progress: 'voicemail' },
  // A fax machine answered: nobody to talk to, and not a voicemail either (endReason fax_detected).
  provider_fax_detected: { in_progress: 'failed' },
  provider_no_answer: { initiating: 'no_answer', ringing: 'no_answer' },
  // Another attempt after no answer, busy, a retryable failure (before answering) or a voicemail.
  retry_scheduled: { initiating: 'scheduled', ringing: 'scheduled', in_progress: 'scheduled' },
  // Due, but its calling window is shut now (a queue delay pushed it past the end): held to the next opening.
  window_closed: { queued: 'scheduled' },
  provider_busy: { initiating: 'busy', ringing: 'busy' },
  provider_failed: { queued: 'failed', initiating: 'failed', ringing: 'failed' },
  // The reconciler's verdict on an attempt whose end the provider never reported.
  provider_lost: { initiating: 'failed', ringing: 'failed', in_progress: 'failed' },
  cancel: { scheduled: 'cancelled', queued: 'cancelled' },
};

export type TransitionResult =
  | { allowed: true; from: CallStatus; to: CallStatus }
  | { allowed: false; from: CallStatus; reason: 'terminal' | 'not_allowed' };

export function isTerminal(status: CallStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function transition(from: CallStatus, event: CallEvent): TransitionResult {
  const to = TRANSITIONS[event][from];
  if (to !== undefined) return { allowed: true, from, to };
  return { allowed: false, from, reason: isTerminal(from) ? 'terminal' : 'not_allowed' };
}

/**
 * A call in one of these statuses holds one of its account's concurrent-call slots: these are
 * exactly the statuses of an attempt under way with the provider.
 */
export const SLOT_HOLDING_STATUSES: readonly CallStatus[] = ['initiating', 'ringing', 'in_progress'];

/** Whether a call in this status holds a telephony slot (its attempt is under way with the provider). */
export function holdsSlot(status: CallStatus): boolean {
  return SLOT_HOLDING_STATUSES.includes(status);
}

/** Whether a call in this status waits to be dialed (`scheduled` or `queued`): it needs a dial message. */
export function awaitsDial(status: CallStatus): boolean {
  return status === 'scheduled' || status === 'queued';
}

/** +1 when a status change takes a telephony slot, -1 when it gives one back, else 0. */
export function slotChange(from: CallStatus, to: CallStatus): -1 | 0 | 1 {
  const before = holdsSlot(from);
  const after = holdsSlot(to);
  return before === after ? 0 : after ? 1 : -1;
}
