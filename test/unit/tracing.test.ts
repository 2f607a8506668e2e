import { createSocket, type Socket } from 'node:dgram';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Request } from '@middy/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventually } from '../support/local-api.ts';

type TracingModule = typeof import('../../functions/handlers/tracing.ts');

/** A fresh copy of functions/handlers/tracing.ts (its tracer is kept per process, as in Lambda). */
async function freshTracing(): Promise<TracingModule> {
  vi.resetModules();
  return import('../../functions/handlers/tracing.ts');
}

const instrumented = (client: SQSClient) =>
  client.middlewareStack.identify().some((name) => name.toLowerCase().includes('xray'));

const invocation = () =>
  ({ event: {}, context: {}, response: undefined, error: undefined, internal: {} }) as unknown as Request;

const TRACED = [
  'POWERTOOLS_SERVICE_NAME',
  'AWS_XRAY_DAEMON_ADDRESS',
  'AWS_LAMBDA_FUNCTION_NAME',
  'LAMBDA_TASK_ROOT',
  '_X_AMZN_TRACE_ID',
  '_HANDLER',
];
const saved = Object.fromEntries(TRACED.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('tracing where X-Ray is not on (the local stack, the tests)', () => {
  beforeEach(() => {
    for (const name of TRACED) delete process.env[name];
  });

  it('leaves clients alone, runs the work and never loads the tracer', async () => {
    const { traced, tracing, traceInvocation } = await freshTracing();
    const client = traced(new SQSClient({ region: 'us-east-1' }));
    const middleware = traceInvocation();
    const request = invocation();
    await middleware.before?.(request);
    tracing.annotate({ callId: 'obc_x' });
    expect(await tracing.span('work', { callId: 'obc_x' }, async () => 42)).toBe(42);
    await middleware.after?.(request);
    expect(instrumented(client)).toBe(false);
  });
});

describe('tracing in AWS with active tracing (a stand-in X-Ray daemon on a local UDP port)', () => {
  let daemon: Socket;
  const received: Array<Record<string, unknown>> = [];

  beforeEach(async () => {
    received.length = 0;
    daemon = createSocket('udp4');
    daemon.on('message', (packet) => {
      // The X-Ray daemon protocol: a JSON header line, then the (sub)segment document.
      const [, body] = packet.toString('utf8').split('\n');
      if (body) received.push(JSON.parse(body));
    });
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    // A Lambda function with one invocation at a time (the local stack's runner sets this; AWS does not here).
    delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
    Object.assign(process.env, {
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
      AWS_LAMBDA_FUNCTION_NAME: 'outbound-calls-dialer',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: '/var/task',
      _HANDLER: 'index.handler',
      POWERTOOLS_SERVICE_NAME: 'outbound-calls',
    });
  });
  afterEach(() => new Promise<void>((resolve) => daemon.close(() => resolve())));

  it('loads nothing on an invocation X-Ray does not sample, then on a sampled one records the invocation and each call with ids only', async () => {
    const { traced, tracing, traceInvocation } = await freshTracing();
    const client = traced(new SQSClient({ region: 'us-east-1' }));
    const middleware = traceInvocation();

    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0';
    const unsampled = invocation();
    await middleware.before?.(unsampled);
    await middleware.after?.(unsampled);
    expect(instrumented(client)).toBe(false);

    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272794;Parent=53995c3f42cd8ad9;Sampled=1';
    const request = invocation();
    await middleware.before?.(request);
    // The clients made at cold start are instrumented once the tracer is loaded.
    expect(instrumented(client)).toBe(true);
    tracing.annotate({ accountId: 'acct_1' });
    const result = await tracing.span('dial call', { callId: 'obc_01', accountId: 'acct_1' }, async () => 'dialed');
    expect(result).toBe('dialed');
    await middleware.after?.(request);

    const segments = await eventually(
      async () => [...received],
      (sent) => sent.length >= 2,
      60_000,
      'the subsegments reach the daemon',
    );
    const byName = Object.fromEntries(segments.map((segment) => [segment.name, segment]));
    expect(byName['dial call']).toMatchObject({ annotations: { callId: 'obc_01', accountId: 'acct_1' } });
    expect(byName['## index.handler']).toMatchObject({
      annotations: { ColdStart: false, Service: 'outbound-calls', accountId: 'acct_1' },
    });
    // Nothing but ids: no phone number, no event or response in any subsegment sent.
    expect(JSON.stringify(segments)).not.toMatch(/\+\d{6,}/);
  });
});
