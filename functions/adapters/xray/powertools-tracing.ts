import { Tracer } from '@aws-lambda-powertools/tracer';
import type { TraceAnnotations, Tracing } from '#ports/tracing';

type Segment = NonNullable<ReturnType<Tracer['getSegment']>>;

const annotate = (segment: Segment, annotations: TraceAnnotations) => {
  for (const [key, value] of Object.entries(annotations)) if (value !== undefined) segment.addAnnotation(key, value);
};

/**
 * Tracing with Powertools for AWS Lambda's Tracer over the X-Ray SDK
 * (https://docs.aws.amazon.com/powertools/typescript/latest/features/tracer/): each invocation gets
 * a `## <handler>` subsegment annotated with ColdStart and Service (as Powertools' own middleware
 * does); the AWS SDK clients given to `instrument` record one subsegment per request; `fetch`
 * requests (the telephony provider's, webhook deliveries) are recorded by the Tracer itself
 * (POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS, on by default). Responses are not captured
 * (POWERTOOLS_TRACER_CAPTURE_RESPONSE=false, set by the CDK construct): they carry phone numbers.
 *
 * This module and the X-Ray SDK are a chunk of their own, imported only where X-Ray samples an
 * invocation (handlers/composition/tracing.ts), so they cost nothing at an unsampled cold start.
 */
export class PowertoolsTracing implements Tracing {
  private readonly tracer = new Tracer();

  /** Records each request of an AWS SDK v3 client as a subsegment of the current (sub)segment. */
  instrument<C>(client: C): C {
    return this.tracer.captureAWSv3Client(client);
  }

  /**
   * Opens the invocation's `## <handler>` subsegment and makes it current; the function returned
   * closes it (with the error, if one ended the invocation) and restores the Lambda segment.
   */
  openInvocation(coldStart: boolean): (error?: unknown) => void {
    const lambdaSegment = this.tracer.getSegment();
    if (!this.tracer.isTracingEnabled() || lambdaSegment === undefined) return () => {};
    const handlerSegment = lambdaSegment.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
    this.tracer.setSegment(handlerSegment);
    handlerSegment.addAnnotation('ColdStart', coldStart);
    this.tracer.addServiceNameAnnotation();
    return (error?: unknown) => {
      try {
        if (error !== undefined) this.tracer.addErrorAsMetadata(error as Error);
        handlerSegment.close();
      } catch {
        // A segment that cannot be closed loses its trace, never the invocation.
      }
      this.tracer.setSegment(lambdaSegment);
    };
  }

  annotate(annotations: TraceAnnotations): void {
    const segment = this.tracer.getSegment();
    if (this.tracer.isTracingEnabled() && segment !== undefined) annotate(segment, annotations);
  }

  async span<T>(name: string, annotations: TraceAnnotations, work: () => Promise<T>): Promise<T> {
    if (!this.tracer.isTracingEnabled()) return work();
    // captureAsyncFunc runs `work` in its own context, so the records of a batch handled at once
    // each get their own subsegment and their SDK calls land under it.
    return this.tracer.provider.captureAsyncFunc(name, async (subsegment) => {
      if (subsegment) annotate(subsegment, annotations);
      try {
        return await work();
      } catch (error) {
        subsegment?.addError(error as Error);
        throw error;
      } finally {
        subsegment?.close();
      }
    }) as Promise<T>;
  }
}
