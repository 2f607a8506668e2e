import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LogLine, captureLogLines } from '../support/log-lines.ts';
import { CALLS, callReaches, eventually, startTestApi, type TestApi } from '../support/local-api.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

const AGENT = 'agt_01HXK8Z3MNPQRS';
const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];
const METADATA_VALUE = 'Jane Logline';

/** Which function writes each line these calls produce at INFO. */
const WRITER: Record<string, string> = {
  'Dial message handled': 'dialer',
  'Status callback': 'telephony-webhooks',
  'Connecting answered call to the agent': 'telephony-webhooks',
  'Events produced': 'events-stream',
  Reconciled: 'reconciler',
};

/**
 * The local stack runs every function in one process, invocations overlapping (API requests,
 * dial batches, provider callbacks, stream batches): each line must still carry the Lambda
 * context of the invocation that wrote it (before: a dialer line tagged with an API request's id
 * and function_name create-call).
 */
describe('log lines in the local stack', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stack.stop());

  it('each carries the context of the function that wrote it while calls run through every function at once, and no phone number or metadata value', async () => {
    const capture = captureLogLines();
    let lines: LogLine[];
    try {
      const numbers = ['+15005550100', '+15005550101', '+15005550103'];
      const created = await Promise.all(
        numbers.map((toNumber) =>
          api.request('POST', CALLS, {
            body: { agentId: AGENT, toNumber, metadata: { customerName: METADATA_VALUE } },
          }),
        ),
      );
      const ids = created.map((response) => response.body.id as string);
      await Promise.all(ids.map((id) => callReaches(api, id, TERMINAL)));
      await api.stack.reconcile();
      await eventually(
        async () => capture.lines.filter((line) => line.message === 'Events produced'),
        (produced) =>
          ids.every((id) =>
            produced.some((line) => line.callId === id && String(line.events).includes('SessionEnded')),
          ),
        60_000,
        'the SessionEnded of every call',
      );
      lines = [...capture.lines];
    } finally {
      capture.stop();
    }

    for (const message of Object.keys(WRITER)) expect(lines.some((line) => line.message === message)).toBe(true);
    for (const line of lines.filter((line) => String(line.message) in WRITER)) {
      expect(line).toMatchObject({
        function_name: WRITER[String(line.message)],
        function_request_id: expect.any(String),
      });
    }
    expect(JSON.stringify(lines)).not.toMatch(new RegExp(`500555010|${METADATA_VALUE}`));
  }, 300_000);
});
