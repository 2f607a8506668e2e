/**
 * An AWS SDK client, or how to get one on first use. A function that sends to a service only on
 * some invocations (SQS, EventBridge Scheduler, EventBridge) passes a loader, so the client's
 * package (its commands, schemas and protocol, 15–25 KB each) is a chunk read the first time it is
 * needed, not at cold start (docs/architecture.md, "Cold start"); tests and scripts pass a client.
 */
export type ClientSource<C extends object> = C | (() => Promise<C>);

/** The client itself: the loader's (built once, handlers/composition/clients.ts) or the one given. */
export function clientOf<C extends object>(source: ClientSource<C>): Promise<C> {
  return typeof source === 'function' ? (source as () => Promise<C>)() : Promise.resolve(source);
}
