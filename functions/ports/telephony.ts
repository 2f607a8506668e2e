import type { ProviderEvent } from '#domain/call-lifecycle';
import type { KeyMode } from '#schemas/call';

export interface PlaceCallRequest {
  callId: string;
  attempt: number;
  to: string;
  from: string;
}

/**
 * What a request to place a call came to:
 * - placed: the provider created the call, with its id (Twilio's CallSid);
 * - not placed (`placed: false`): the provider certainly created nothing, and refused the request
 *   for good (an invalid number, an error another try would meet again);
 * - `placed: 'later'`: the provider certainly created nothing, and another try soon may pass (it
 *   asked to slow down, or the request never left);
 * - `placed: 'unknown'`: the request may have created the call (no answer in time, a connection
 *   reset after sending, a 5xx, or a success whose body could not be read). The person's phone may
 *   be ringing: the provider's own reports (which carry the call id and attempt in their URLs)
 *   settle the attempt, and if none ever comes the reconciler ends it once they are overdue.
 */
export type PlaceCallResult =
  | { placed: true; providerCallId: string }
  | { placed: false; reason: 'invalid_number' | 'provider_error'; detail: string }
  /** `detail` names what happened (a timeout, a status code) and never quotes the request: it is logged. */
  | { placed: 'unknown'; detail: string }
  /**
   * Nothing was created, and the provider can take the request later: it asked to slow down
   * (429), or the request could not be sent now (no connection, no credentials). `retryAfterSeconds`:
   * what the provider asked for (Retry-After), else null. The attempt waits and is dialed again.
   */
  | { placed: 'later'; detail: string; retryAfterSeconds: number | null };

/** A telephony provider account (Twilio, or the carrier simulator that speaks its protocol). */
export interface TelephonyProvider {
  /**
   * Asks the provider to place the call. Sent once per attempt, never repeated: a request whose
   * outcome is not known is reported as such (`placed: 'unknown'`), never as not placed, because
   * treating it as a failure could end or retry an attempt that is ringing the person.
   */
  placeCall(request: PlaceCallRequest): Promise<PlaceCallResult>;
  /**
   * The provider's final word on a call; `ongoing` while the provider still has it (it will
   * report again); null when the provider does not know the call.
   */
  fetchOutcome(providerCallId: string): Promise<ProviderEvent | 'ongoing' | null>;
}

/** Live keys' calls go to the real provider; test keys' calls always go to the simulator. */
export type TelephonyProviders = Record<KeyMode, TelephonyProvider>;

/**
 * A place in the queue of provider requests: the call may be dialed at any moment in
 * [`sendAt`, `sendBy`), a window of the provider's calls-per-second budget held for it alone.
 * A dialer that reaches the gate at or after `sendBy` has lost its place and takes a new one.
 */
export interface SendReservation {
  sendAt: Date;
  sendBy: Date;
}

/**
 * The provider account's calls-per-second limit, shared by every dialer of every Lambda. With a
 * limit of N calls/s, no calendar second (UTC) holds more than N reservations, for one caller or
 * ten thousand. Twilio queues API calls beyond an account's CPS (1 by default) rather than
 * refusing them, and bursts come out uneven
 * (https://support.twilio.com/hc/en-us/articles/223180028-How-fast-can-I-place-or-receive-phone-calls-with-Twilio),
 * so holding the limit ourselves keeps `initiatedAt` true and the waiting queue ours.
 */
export interface CallRateLimiter {
  /**
   * Takes the next free place for `mode` at or after `now`, in one atomic write: callers are
   * ordered, none waits on another's failure. The place may lie far ahead when many calls are
   * due at once (60 calls at 1 call/s: the last one a minute ahead).
   */
  reserve(mode: KeyMode, now: Date): Promise<SendReservation>;
}
