import type { MiddlewareObj, Request } from '@middy/core';
import type { PowertoolsTracing } from '#adapters/xray/powertools-tracing';
import type { TraceAnnotations, Tracing } from '#ports/tracing';

/*
 * The one tracing of every function, loaded only when a trace will be recorded. Lambda's active
 * tracing (the CDK construct sets `tracing: ACTIVE`) gives the function AWS_XRAY_DAEMON_ADDRESS,
 * and each invocation its trace header in _X_AMZN_TRACE_ID, with `Sampled=1` when X-Ray keeps it
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html). The Tracer and the X-Ray SDK
 * are a chunk of their own (adapters/xray/powertools-tracing.ts), imported on the first sampled
 * invocation: an unsampled cold start does not load them, and the local stack and the tests
 * (no daemon address) never do. `npm run bench` shows what loading them costs.
 */

/** Active tracing in AWS, unless switched off with POWERTOOLS_TRACE_ENABLED=false or in `sam local`. */
function tracingEnvironment(): boolean {
  const env = process.env;
  return (
    Boolean(env.AWS_XRAY_DAEMON_ADDRESS) &&
    Boolean(env.AWS_LAMBDA_FUNCTION_NAME) &&
    env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false' &&
    env.AWS_SAM_LOCAL !== 'true'
  );
}

/**
 * Whether X-Ray keeps this invocation's trace: the `Sampled=1` field of its trace header, where
 * the X-Ray SDK reads it too (the runtime's invoke store where there is one, else _X_AMZN_TRACE_ID).
 */
function sampled(): boolean {
  const store = (globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId?: () => string | undefined } } })
    .awslambda?.InvokeStore;
  const header = store?.getXRayTraceId?.() ?? process.env._X_AMZN_TRACE_ID ?? '';
  return /(?:^|;)\s*Sampled=1\s*(?:;|$)/.test(header);
}

const clients: object[] = [];
let tracer: PowertoolsTracing | null = null;
let loading: Promise<PowertoolsTracing> | null = null;

function loadTracer(): Promise<PowertoolsTracing> {
  loading ??= import('#adapters/xray/powertools-tracing').then(({ PowertoolsTracing }) => {
    const loaded = new PowertoolsTracing();
    for (const client of clients) loaded.instrument(client);
    tracer = loaded;
    return loaded;
  });
  return loading;
}

/**
 * An AWS SDK client whose requests show in traces: kept to be instrumented when the tracer loads
 * (at once if it has). Where nothing is traced, the client unchanged and nothing kept.
 */
export function traced<C extends object>(client: C): C {
  if (!tracingEnvironment()) return client;
  clients.push(client);
  tracer?.instrument(client);
  return client;
}

/** For the handlers: annotations and subsegments on the current trace, if there is one. */
export const tracing: Tracing = {
  annotate: (annotations: TraceAnnotations) => tracer?.annotate(annotations),
  span: (name, annotations, work) => (tracer ? tracer.span(name, annotations, work) : work()),
};

let invocations = 0;

/**
 * Middleware of every entry point (middleware/bundles.ts, http/api-handler.ts): on a sampled
 * invocation where tracing is on, loads the tracer (the first time) and wraps the invocation in
 * its `## <handler>` subsegment; elsewhere it does nothing.
 */
export function traceInvocation<E, R>(): MiddlewareObj<E, R> {
  const open = new WeakMap<Request<E, R>, (error?: unknown) => void>();
  const close = (request: Request<E, R>, error?: unknown) => {
    open.get(request)?.(error);
    open.delete(request);
  };
  return {
    before: async (request) => {
      const coldStart = invocations++ === 0;
      if (!tracingEnvironment() || (tracer === null && !sampled())) return;
      open.set(request, (await loadTracer()).openInvocation(coldStart));
    },
    after: (request) => close(request),
    onError: (request) => close(request, request.error),
  };
}
