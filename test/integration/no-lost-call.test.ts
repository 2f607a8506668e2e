import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { keys } from '#adapters/dynamodb/table-design';
import { CALLS, callReaches, eventually, startTestApi, type TestApi } from '../support/local-api.ts';

const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];

/**
 * The simulated network is at its worst (chaos mode: duplicated, delayed and reordered callbacks,
 * the machine verdict only on the answer request, URLs signed without their port, no
 * CallDuration, skewed clocks) and also loses 40% of its status callbacks. The reconciler (every
 * half second here, with a one-second grace) must still bring every call to the outcome the
 * network had, and never give up on one the network is still reporting on.
 */
describe('no call is lost when status callbacks are', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      simulator: { timeScale: 0.05, dropStatusCallbacks: 0.4, chaos: true },
      environment: { WATCHDOG_GRACE_SECONDS: '1', RING_TIMEOUT_SECONDS: '2' },
      reconcileIntervalMs: 500,
    });
  });
  afterAll(() => api.stack.stop());

  const accountSlots = async () =>
    Number(
      (
        await createDocumentClient().send(
          new GetCommand({ TableName: api.stack.tableName, Key: keys.account('acc_demo') }),
        )
      ).Item?.activeCalls ?? 0,
    );

  it('brings every call to its true terminal status, and every slot back', async () => {
    const cases = [
      ['+15005550100', 'completed'],
      ['+15005550101', 'completed'],
      ['+15005550103', 'busy'],
      ['+15005550104', 'voicemail'],
      ['+15005550106', 'failed'],
      ['+15005550102', 'no_answer'],
      ['+14155550199', 'completed'],
      ['+15005550100', 'completed'],
      ['+15005550103', 'busy'],
      ['+15005550102', 'no_answer'],
      ['+15005550107', 'failed'],
      ['+15005550108', 'voicemail'],
    ] as const;
    const created = await Promise.all(
      cases.map(async ([toNumber, expected]) => {
        const response = await api.request('POST', CALLS, {
          body: {
            agentId: 'agt_01HXK8Z3MNPQRS',
            toNumber,
            maxRetries: toNumber === '+15005550102' ? 1 : 0,
            retryDelayMinutes: 1,
          },
        });
        return { id: response.body.id as string, expected };
      }),
    );
    for (const { id, expected } of created) {
      const call = await callReaches(api, id, TERMINAL, 60_000);
      expect(call.status).toBe(expected);
      // Before: under load a busy call could end failed/dial_timeout while its provider id was unsaved.
      expect(call.endReason).not.toBe('dial_timeout');
    }
    await eventually(accountSlots, (slots) => slots === 0, 60_000, 'the slot counter to return to zero');
  }, 300_000);

  it('repairs a slot counter that drifted', async () => {
    await createDocumentClient().send(
      new UpdateCommand({
        TableName: api.stack.tableName,
        Key: keys.account('acc_demo'),
        UpdateExpression: 'SET activeCalls = :n',
        ExpressionAttributeValues: { ':n': 5 },
      }),
    );
    await eventually(accountSlots, (slots) => slots === 0, 60_000, 'the reconciler to repair the counter');
  });
});
