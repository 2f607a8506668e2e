import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type EntryPoint,
  authorizerHandler,
  scheduleHandler,
  simulatorHandler,
  sqsBatchBundle,
  streamBatchHandler,
  telephonyWebhookHandler,
} from '#handlers/middleware/bundles';
import { lambdaContext } from '../../../local/lambda-context.ts';
import { captureLogLines } from '../../support/log-lines.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

type Bundle = (handler: (event: any) => Promise<any>) => EntryPoint<any, any>;

/** Each kind of trigger: its bundle, the function the local stack invokes with it, and what the log line calls it. */
const TRIGGERS: Array<{ bundle: Bundle; functionName: string; trigger: string; decodesBody: boolean }> = [
  { bundle: (h) => sqsBatchBundle('dial', h), functionName: 'dialer', trigger: 'dial queue', decodesBody: false },
  { bundle: streamBatchHandler, functionName: 'events-stream', trigger: 'table stream', decodesBody: false },
  { bundle: scheduleHandler, functionName: 'reconciler', trigger: 'schedule', decodesBody: false },
  { bundle: authorizerHandler, functionName: 'authorizer', trigger: 'authorizer', decodesBody: false },
  {
    bundle: telephonyWebhookHandler,
    functionName: 'telephony-webhooks',
    trigger: 'telephony webhook',
    decodesBody: true,
  },
  { bundle: simulatorHandler, functionName: 'carrier-simulator', trigger: 'carrier simulator', decodesBody: true },
];

/** An error whose message repeats a phone number and a metadata value, as a driver's error might. */
const leaky = () =>
  Object.assign(new Error('failed on "+14155550199" for {"customerName":"Jane Smith"} 14155550199'), {
    name: 'ThrottlingException',
  });

describe.each(TRIGGERS)('the $trigger bundle', ({ bundle, functionName, trigger, decodesBody }) => {
  let capture: ReturnType<typeof captureLogLines>;
  beforeEach(() => {
    capture = captureLogLines();
  });
  afterEach(() => capture.stop());

  it('answers what its handler answers, with the body decoded where the trigger is HTTP', async () => {
    const event = { body: Buffer.from('CallStatus=ringing').toString('base64'), isBase64Encoded: true };
    const handler = bundle(async (seen) => ({ body: seen.body }));
    const answer = await handler({ ...event }, lambdaContext(functionName));
    expect(answer).toEqual({ body: decodesBody ? 'CallStatus=ringing' : event.body });
  });

  it('logs an error nothing caught once, with its context and masked, and fails the invocation with it', async () => {
    const error = leaky();
    const handler = bundle(async () => {
      throw error;
    });
    const context = lambdaContext(functionName);
    await expect(handler({}, context)).rejects.toBe(error);

    expect(capture.lines).toHaveLength(1);
    expect(capture.lines[0]).toMatchObject({
      level: 'ERROR',
      message: `Unhandled error in the ${trigger} handler`,
      errorType: 'ThrottlingException',
      function_name: functionName,
      function_request_id: context.awsRequestId,
    });
    expect(JSON.stringify(capture.lines)).not.toMatch(/14155550199|Jane/);
  });
});
