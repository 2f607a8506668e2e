/**
 * When a new webhook endpoint starts receiving events: its `activeAt` (docs/webhooks.md, "When a
 * new endpoint starts receiving events").
 *
 * The events function remembers that an account has no endpoint for `cacheMs` milliseconds
 * (WEBHOOK_ENDPOINT_CACHE_SECONDS): a lookup that started at q and found none answers for the
 * events of changes made before q + cacheMs (produce-events.ts, endpointCache). The lookup reads
 * strongly, so it started before the endpoint's write landed (at C); every change made from
 * C + cacheMs on is therefore looked up afresh and finds the endpoint. `activeAt` stands for that
 * moment, rounded up to the service's second, with CLOCK_AGREEMENT_MS for the clocks of the
 * function that wrote the endpoint and the events function: an endpoint receives exactly the
 * events whose `createdAt` (the time of the change) is at or after its `activeAt` (isActiveFor).
 *
 * The create stamps `activeAt` before its write (plannedActiveAt: ACTIVATION_MARGIN_MS after the
 * cache, room for the write) and, in the rare case the write answered too late for that,
 * moves it once the write has answered (activeAtAfterWrite). With no cache (cacheMs 0, the local
 * stack) `activeAt` is `createdAt`.
 */

/** Room for the endpoint's write to land between its createdAt and its planned activeAt. */
export const ACTIVATION_MARGIN_MS = 5_000;
/**
 * How far apart two functions' clocks may be. Lambda's clocks follow the Amazon Time Sync
 * Service, which keeps them within a millisecond of UTC
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/set-time.html); a second is far more.
 */
export const CLOCK_AGREEMENT_MS = 1_000;

/** Rounds up to the service's timestamp precision (a whole second). */
const ceilToSecond = (ms: number): Date => new Date(Math.ceil(ms / 1000) * 1000);

/**
 * The `activeAt` a new endpoint is written with: `createdAt` (a Date) plus the cache and its
 * margin, rounded up to the second; `createdAt` itself when nothing is cached (`cacheMs` 0).
 */
export function plannedActiveAt(createdAt: Date, cacheMs: number): Date {
  return cacheMs > 0 ? ceilToSecond(createdAt.getTime() + cacheMs + ACTIVATION_MARGIN_MS) : createdAt;
}

/**
 * After the endpoint's write answered at `writtenAt`: the later `activeAt` the guarantee needs if
 * the planned one is too early (the write took longer than the margin allows), else null.
 */
export function activeAtAfterWrite(planned: Date, writtenAt: Date, cacheMs: number): Date | null {
  if (cacheMs === 0) return null;
  const needed = ceilToSecond(writtenAt.getTime() + cacheMs + CLOCK_AGREEMENT_MS);
  return needed.getTime() > planned.getTime() ? needed : null;
}

/**
 * Whether an endpoint is sent an event: only the events of changes made from its `activeAt` on
 * (both ISO 8601 timestamps). Redeliveries asked for through the API are not filtered.
 */
export function isActiveFor(endpoint: { activeAt: string }, event: { createdAt: string }): boolean {
  return Date.parse(event.createdAt) >= Date.parse(endpoint.activeAt);
}
