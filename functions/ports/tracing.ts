/**
 * Traces of what one invocation did (AWS X-Ray in AWS): the handlers say which call and account
 * an invocation or a piece of its work is about, and the adapter (adapters/xray/
 * powertools-tracing.ts) records the AWS SDK calls and the provider's HTTP calls beneath it.
 * Annotations are the ids below only, by type: never a phone number, metadata or a message text.
 */
export type TraceAnnotations = Readonly<Partial<Record<'callId' | 'accountId' | 'campaignId' | 'webhookId', string>>>;

export interface Tracing {
  /** Adds searchable annotations to the invocation's trace; nothing when it is not traced. */
  annotate(annotations: TraceAnnotations): void;
  /**
   * Runs `work` in its own trace subsegment named `name`, annotated (one record of a batch, say),
   * and returns or throws what it does; without a trace it only runs it.
   */
  span<T>(name: string, annotations: TraceAnnotations, work: () => Promise<T>): Promise<T>;
}

/** Tracing that records nothing: the local stack, the tests, and invocations X-Ray does not sample. */
export const noTracing: Tracing = {
  annotate: () => {},
  span: (_name, _annotations, work) => work(),
};
