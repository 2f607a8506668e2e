import type { ProviderEvent } from '#domain/call-lifecycle';
import type { CallRateLimiter, PlaceCallRequest, PlaceCallResult, TelephonyProvider } from '#ports/telephony';
import type { KeyMode } from '#schemas/call';

/**
 * A provider that records every placeCall (the count that must never exceed one per attempt) and
 * answers with `nextResult`; `outcomes` says what fetchOutcome answers per provider call id.
 */
export class FakeTelephonyProvider implements TelephonyProvider {
  readonly placed: PlaceCallRequest[] = [];
  readonly outcomes = new Map<string, ProviderEvent | 'ongoing' | null | Error>();
  nextResult: (request: PlaceCallRequest) => PlaceCallResult = (request) => ({
    placed: true,
    providerCallId: `CA${request.callId.slice(4)}${request.attempt}`,
  });
  /** Runs after a call is recorded and before the answer: lets a test race the dialer. */
  onPlace: (request: PlaceCallRequest) => Promise<void> = async () => undefined;

  async placeCall(request: PlaceCallRequest): Promise<PlaceCallResult> {
    this.placed.push(request);
    await this.onPlace(request);
    return this.nextResult(request);
  }

  async fetchOutcome(providerCallId: string): Promise<ProviderEvent | 'ongoing' | null> {
    const outcome = this.outcomes.get(providerCallId) ?? null;
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /** How many times the attempt was placed. */
  dialsOf(callId: string, attempt: number): number {
    return this.placed.filter((request) => request.callId === callId && request.attempt === attempt).length;
  }
}

/** The provider's calls-per-second budget: a moment now while `open`, none otherwise. */
export class FakeRateLimiter implements CallRateLimiter {
  open = true;
  readonly reservations: KeyMode[] = [];

  async reserve(mode: KeyMode, now: Date): Promise<Date | null> {
    if (!this.open) return null;
    this.reservations.push(mode);
    return now;
  }
}
