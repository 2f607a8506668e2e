import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { type ApiEvent, apiHandler, json } from '#handlers/http/api-handler';
import { logger } from '#handlers/logger';
import { scheduleHandler } from '#handlers/middleware/bundles';
import { sqsBatchHandler } from '#handlers/sqs-batch';
import { lambdaContext } from '../../../local/lambda-context.ts';
import { captureLogLines, type LogLine } from '../../support/log-lines.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

/**
 * Three entry points built as the real ones are (the API's bundle, the SQS batch bundle, the
 * schedule's bundle), invoked in one process with the local stack's Lambda contexts, as the
 * local stack invokes create-call, the dialer and the reconciler.
 */
const caller = { accountId: 'acc_log_context', keyMode: 'test', keyId: 'key_1' };
const apiEvent = {
  routeKey: 'POST /api/v1/outbound-calls',
  rawPath: '/api/v1/outbound-calls',
  rawQueryString: '',
  headers: {},
  body: '{}',
  isBase64Encoded: false,
  requestContext: { authorizer: { lambda: caller } },
} as unknown as ApiEvent;
const dialBatch = {
  Records: [{ messageId: 'm-1', body: '{"callId":"obc_1"}', attributes: {} }],
} as unknown as SQSEvent;

/** A write the API request waits on until the test lets it finish. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
let write = gate();
const createCall = apiHandler(async ({ caller: who }) => {
  logger.appendKeys({ accountId: who.accountId });
  logger.info('create: before the write');
  await write.opened;
  logger.info('create: after the write');
  return json(201, {});
});
const dialer = sqsBatchHandler(
  'dial',
  z.object({ callId: z.string() }),
  async (message) => logger.info('Dial message handled', { callId: message.callId }),
  { park: async () => undefined },
);
const reconciler = scheduleHandler(async () => logger.info('Reconciled'));

const linesSaying = (lines: LogLine[], message: string) => lines.filter((line) => line.message === message);

describe('logContext: every log line carries its own invocation’s Lambda context', () => {
  let capture: ReturnType<typeof captureLogLines>;
  beforeEach(() => {
    capture = captureLogLines();
    write = gate();
  });
  afterEach(() => capture.stop());

  it('whichever handler ran before it in the same process', async () => {
    const invocations = [
      {
        name: 'dialer',
        run: (c = lambdaContext('dialer')) => ({ c, done: dialer(dialBatch, c) }),
        says: 'Dial message handled',
      },
      {
        name: 'reconciler',
        run: (c = lambdaContext('reconciler')) => ({ c, done: reconciler({}, c) }),
        says: 'Reconciled',
      },
    ];
    const api = lambdaContext('create-call');
    const creating = createCall(apiEvent, api);
    write.open();
    await creating;
    for (const { name, run, says } of invocations) {
      const { c, done } = run();
      await done;
      const [line] = linesSaying(capture.lines, says);
      expect(line).toMatchObject({ function_name: name, function_request_id: c.awsRequestId });
      expect(line).not.toHaveProperty('accountId');
    }
    for (const line of linesSaying(capture.lines, 'create: after the write'))
      expect(line).toMatchObject({ function_name: 'create-call', function_request_id: api.awsRequestId });
  });

  it('while invocations overlap, as the local stack runs them: an API request waiting on a write, a dial batch meanwhile', async () => {
    const api = lambdaContext('create-call');
    const creating = createCall(apiEvent, api);
    const dial = lambdaContext('dialer');
    await dialer(dialBatch, dial);
    write.open();
    await creating;

    const mine = (message: string) => linesSaying(capture.lines, message);
    expect(mine('Dial message handled')).toHaveLength(1);
    expect(mine('Dial message handled')[0]).toMatchObject({
      function_name: 'dialer',
      function_request_id: dial.awsRequestId,
    });
    expect(mine('Dial message handled')[0]).not.toHaveProperty('accountId');
    for (const message of ['create: before the write', 'create: after the write'])
      expect(mine(message)[0]).toMatchObject({
        function_name: 'create-call',
        function_request_id: api.awsRequestId,
        accountId: caller.accountId,
      });
  });

  it('and a handler invoked without a context (as tests invoke them) logs none of another invocation’s', async () => {
    const api = lambdaContext('create-call');
    const creating = createCall(apiEvent, api);
    write.open();
    await creating;
    await dialer(dialBatch);

    const [line] = linesSaying(capture.lines, 'Dial message handled');
    expect(line).not.toHaveProperty('function_name');
    expect(line).not.toHaveProperty('function_request_id');
    expect(line).not.toHaveProperty('accountId');
  });
});
