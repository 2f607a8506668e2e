/**
 * The rule of a webhook delivery's claim: at most one chain of attempts per event and endpoint
 * is alive, and each attempt of the chain is made by one invocation (docs/webhooks.md, "How it
 * works"). The DynamoDB store writes the claim with this rule as its condition expression
 * (adapters/dynamodb/webhook-store.ts); the test fake applies it as written here.
 */

/**
 * A claim item as stored: `sending` by chain `chainId`, whose attempt `attempt` is held by one
 * invocation until `heldUntil` and whose attempts up to `doneAttempt` are over, the chain keeping
 * the event until `leaseUntil`; or `delivered` by chain `deliveredBy`. Times are UTC, in
 * milliseconds since the epoch. Items written before attempts were kept have only `chainId` and
 * `leaseUntil` (and a delivered one no `deliveredBy`).
 */
export interface DeliveryClaimItem {
  state: 'sending' | 'delivered';
  chainId?: string;
  attempt?: number;
  heldUntil?: number;
  doneAttempt?: number;
  leaseUntil?: number;
  deliveredBy?: string;
}

/** One attempt asking for the claim: attempt `attempt` (from 1) of chain `chainId`, at `now`. */
export interface ClaimAsk {
  chainId: string;
  attempt: number;
  now: Date;
  /** A redelivery asked for through the API: it may take a delivered event over. */
  again: boolean;
}

/**
 * What a claim comes to:
 * - `claimed`: this invocation makes the attempt;
 * - `delivered`: the event was delivered (by this chain, or with no redelivery asked for);
 * - `taken`: another invocation of this chain made this attempt or a later one: a copy, done with;
 * - `busy`: another invocation holds this very attempt until `heldUntil` (UTC) and has not finished
 *   it: a copy to look at again after then, in case that invocation dies without finishing;
 * - `held`: another chain holds the event.
 */
export type DeliveryClaimResult =
  | { kind: 'claimed' }
  | { kind: 'delivered' }
  | { kind: 'taken' }
  | { kind: 'busy'; heldUntil: Date }
  | { kind: 'held' };

/**
 * Whether `ask` may take the claim `current` (undefined: no claim yet). A time the item lacks is
 * not past, as in a DynamoDB condition (a comparison with a missing attribute is false).
 */
export function claimable(ask: ClaimAsk, current: DeliveryClaimItem | undefined): boolean {
  if (current === undefined) return true;
  const now = ask.now.getTime();
  if (current.state === 'delivered')
    return ask.again && (current.deliveredBy === undefined || current.deliveredBy !== ask.chainId);
  // Another chain's once its lease ran out (its next attempt is lost, or it was parked); the
  // chain's own copies go by its attempts alone, so a parked chain's late copy stays done.
  if (current.chainId !== ask.chainId) return current.leaseUntil !== undefined && current.leaseUntil < now;
  if (current.attempt === undefined || current.attempt < ask.attempt) return true;
  return (
    current.attempt === ask.attempt &&
    current.heldUntil !== undefined &&
    current.heldUntil < now &&
    (current.doneAttempt === undefined || current.doneAttempt < ask.attempt)
  );
}

/** Why `ask` could not take the claim `found` (the item as the refused write found it). */
export function claimRefusal(
  ask: Pick<ClaimAsk, 'chainId' | 'attempt'>,
  found: DeliveryClaimItem,
): Exclude<DeliveryClaimResult, { kind: 'claimed' }> {
  if (found.state === 'delivered') return { kind: 'delivered' };
  if (found.chainId !== ask.chainId) return { kind: 'held' };
  if ((found.attempt ?? 0) > ask.attempt || (found.doneAttempt ?? 0) >= ask.attempt) return { kind: 'taken' };
  return { kind: 'busy', heldUntil: new Date(found.heldUntil ?? 0) };
}
