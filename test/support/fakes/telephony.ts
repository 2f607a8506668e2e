import type { ProviderEvent } from '#domain/call-lifecycle';
import type {
  CallRateLimiter,
  PlaceCallRequest,
  PlaceCallResult,
  SendReservation,
  TelephonyProvider,
} from '#ports/telephony';
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

/**
 * The provider's calls-per-second queue, as the DynamoDB limiter keeps it: `callsPerSecond` places
 * in each UTC second, given in order. `reservations` records every place given.
 */
export class FakeRateLimiter implements CallRateLimiter {
  callsPerSecond = 1000;
  readonly reservations: Array<SendReservation & { mode: KeyMode }> = [];
  private readonly nextPlace = new Map<KeyMode, number>();

  async reserve(mode: KeyMode, now: Date): Promise<SendReservation> {
    const firstPlaceNow = Math.floor(now.getTime() / 1000) * this.callsPerSecond;
    const place = Math.max(firstPlaceNow, this.nextPlace.get(mode) ?? 0);
    this.nextPlace.set(mode, place + 1);
    const second = Math.floor(place / this.callsPerSecond);
    const reservation = { sendAt: new Date(second * 1000), sendBy: new Date((second + 1) * 1000) };
    this.reservations.push({ mode, ...reservation });
    return reservation;
  }

  /** Gives away the next `count` places of `mode` from `now`, as a burst of other dialers would. */
  async takeAhead(mode: KeyMode, now: Date, count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.reserve(mode, now);
    this.reservations.splice(-count, count);
  }
}
