import type { ProviderEvent } from '#domain/call-lifecycle';
import type { KeyMode } from '#schemas/call';

export interface PlaceCallRequest {
  callId: string;
  attempt: number;
  to: string;
  from: string;
}

export type PlaceCallResult =
  | { placed: true; providerCallId: string }
  | { placed: false; reason: 'invalid_number' | 'provider_error'; detail: string };

/** A telephony provider account (Twilio, or the carrier simulator that speaks its protocol). */
export interface TelephonyProvider {
  /**
   * Asks the provider to place the call. Sent once per attempt: a failure or timeout here is
   * reported as not placed, never retried, because a retry could ring the person twice.
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

/** The provider account's calls-per-second limit, shared by every dialer. */
export interface CallRateLimiter {
  /**
   * Reserves a moment to place one call, between `now` and `now + maxWaitMs`; null when none
   * is free that soon.
   */
  reserve(mode: KeyMode, now: Date, maxWaitMs: number): Promise<Date | null>;
}
